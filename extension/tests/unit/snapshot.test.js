import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { loadPage } from './helpers.js';

const PAGE = `<!doctype html><html><head><title>Jane Doe | LinkedIn</title><style>h1{}</style></head><body class="app">
  <script>window.tracking = 1</script>
  <noscript><p>enable js</p></noscript>
  <!-- ember comment -->
  <main>
    <div data-test-profile-container>
      <span data-test-row-lockup-full-name>Jane Doe</span>
      <img src="https://media.licdn.com/photo.jpg" alt="Jane Doe">
      <svg><path d="M0 0"/></svg>
      <video src="x.mp4"></video><iframe src="https://ads.example/"></iframe>
      <p class="headline">Staff Engineer at Acme</p>
    </div>
  </main>
  <code id="bpr-guid-42" style="display: none">{"data":{"firstName":"Jane","lastName":"Doe"}}</code>
</body></html>`;

test('the snapshot keeps profile text and JSON islands and drops scripts, styles, media, frames and comments', () => {
  const { sb, document } = loadPage(PAGE, { url: 'https://www.linkedin.com/talent/profile/AEMAAA1' });
  const snapshot = sb.snapshot.buildSnapshot(document);
  assert.equal(snapshot.url, 'https://www.linkedin.com/talent/profile/AEMAAA1');
  assert.match(snapshot.html, /^<body class="app">/);
  assert.match(snapshot.html, /Jane Doe<\/span>/);
  assert.match(snapshot.html, /Staff Engineer at Acme/);
  assert.match(snapshot.html, /<code id="bpr-guid-42"[^>]*>\{"data":\{"firstName":"Jane"/);
  for (const gone of ['<script', '<style', '<noscript', '<img', '<svg', '<video', '<iframe', 'ember comment', 'tracking']) {
    assert.ok(!snapshot.html.includes(gone), `${gone} should be removed`);
  }
  assert.equal(snapshot.reduced, null);
  assert.equal(snapshot.bytes, new TextEncoder().encode(snapshot.html).length);
});

test("the snapshot carries the page's language, the only place LinkedIn writes its UI language", () => {
  const filler = `<div class="feed">${'<p>unrelated post text</p>'.repeat(200)}</div>`;
  const spanish = loadPage(PAGE.replace('<html>', '<html lang="es-ES" class="theme">').replace('<main>', `${filler}<main>`));
  const snapshot = spanish.sb.snapshot.buildSnapshot(spanish.document);
  assert.match(snapshot.html, /^<html lang="es-ES"><body class="app">/);
  assert.match(snapshot.html, /<\/body><\/html>$/);
  const container = spanish.document.querySelector('[data-test-profile-container]');
  const reduced = spanish.sb.snapshot.buildSnapshot(spanish.document, { container, maxBytes: 4000 });
  assert.equal(reduced.reduced, 'container');
  assert.match(reduced.html, /^<html lang="es-ES"><body>/);
});

test('a language attribute that is not a language tag is not passed on', () => {
  for (const lang of ['', 'es" onload="x', '<b>', 'e']) {
    const page = loadPage(PAGE.replace('<html>', `<html lang='${lang}'>`));
    assert.match(page.sb.snapshot.buildSnapshot(page.document).html, /^<body class="app">/, lang);
  }
});

test('taking a snapshot leaves the live page untouched and leaves out the badge', () => {
  const { sb, document } = loadPage(PAGE);
  const badge = sb.badge.createBadge(document);
  badge.showLoading('linkedin:jane-doe');
  document.body.append(badge.host); // even inside the body, the badge is not part of the snapshot
  const before = document.documentElement.outerHTML;
  const snapshot = sb.snapshot.buildSnapshot(document);
  assert.equal(document.documentElement.outerHTML, before);
  assert.ok(!snapshot.html.includes('sourcebridge-badge'));
  assert.ok(document.querySelector('script') && document.querySelector('img'));
});

test('over the size cap the snapshot keeps only the profile container and the JSON islands', () => {
  const filler = `<div class="feed">${'<p>unrelated post text</p>'.repeat(2000)}</div>`;
  const { sb, document } = loadPage(PAGE.replace('<main>', `${filler}<main>`));
  const container = document.querySelector('[data-test-profile-container]');
  const snapshot = sb.snapshot.buildSnapshot(document, { container, maxBytes: 4000 });
  assert.equal(snapshot.reduced, 'container');
  assert.ok(snapshot.bytes <= 4000);
  assert.ok(!snapshot.html.includes('unrelated post text'));
  assert.match(snapshot.html, /Jane Doe/);
  assert.match(snapshot.html, /bpr-guid-42/);
});

test('when even the container is over the cap the HTML is cut without splitting a character', () => {
  const { sb, document } = loadPage(`<body><main><h1>${'é😀'.repeat(500)}</h1></main></body>`);
  for (const maxBytes of [100, 101, 102, 103]) {
    const snapshot = sb.snapshot.buildSnapshot(document, { container: document.querySelector('main'), maxBytes });
    assert.equal(snapshot.reduced, 'truncated');
    assert.ok(snapshot.bytes <= maxBytes && snapshot.bytes > maxBytes - 4, `${snapshot.bytes} for ${maxBytes}`);
    assert.ok(!snapshot.html.includes('\uFFFD'));
  }
});

test('the encoded snapshot is the gzipped JSON request body in base64', async () => {
  const { sb } = loadPage('<body></body>', {
    before: (window) => Object.assign(window, { CompressionStream, Blob, Response })
  });
  const snapshot = { url: 'https://www.linkedin.com/in/jane-doe/', html: '<body><h1>Jöhn «Doe»</h1></body>' };
  const payload = await sb.snapshot.encodeSnapshot(snapshot);
  assert.equal(payload.encoding, 'gzip');
  const json = gunzipSync(Buffer.from(payload.body, 'base64')).toString('utf8');
  assert.deepEqual(JSON.parse(json), snapshot);
});

test('without CompressionStream the snapshot is sent as plain JSON', async () => {
  const { sb, window } = loadPage('<body></body>');
  assert.equal(typeof window.CompressionStream, 'undefined');
  const payload = await sb.snapshot.encodeSnapshot({ url: 'https://www.linkedin.com/in/x/', html: '<body></body>' });
  assert.deepEqual({ ...payload }, { encoding: 'identity', body: '{"url":"https://www.linkedin.com/in/x/","html":"<body></body>"}' });
});
