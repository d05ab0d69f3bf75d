import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureShadowRoots, loadPage, manifestContentScripts, shadowOf, sleep, waitFor } from './helpers.js';

const recruiterPage = (name) =>
  `<main><div data-test-profile-container><span data-test-row-lockup-full-name>${name}</span><p>Engineer</p></div></main>`;

test('the person tracker starts one lookup per person and a new one for the next person', () => {
  const { sb } = loadPage('<body></body>');
  const tracker = sb.navigation.createPersonTracker();
  const detect = sb.pageDetect.detectProfile;
  const seen = [
    'https://www.linkedin.com/talent/profile/AAA?start=0',
    'https://www.linkedin.com/talent/profile/AAA?start=25',
    'https://www.linkedin.com/talent/hire/1/manage/all/profile/AAA',
    'https://www.linkedin.com/talent/profile/BBB',
    'https://www.linkedin.com/talent/profile/BBB#experience'
  ].map((url) => tracker.isNewPerson(detect(url)));
  assert.deepEqual(seen, [true, false, false, true, false]);
});

test('leaving a profile and coming back to the same person counts as a new visit', () => {
  const { sb } = loadPage('<body></body>');
  const tracker = sb.navigation.createPersonTracker();
  const detect = sb.pageDetect.detectProfile;
  assert.equal(tracker.isNewPerson(detect('https://www.linkedin.com/in/jane/')), true);
  assert.equal(tracker.isNewPerson(detect('https://www.linkedin.com/feed/')), false);
  assert.equal(tracker.isNewPerson(detect('https://www.linkedin.com/in/jane/')), true);
});

test('watchNavigation reports each URL once, after pushState followed by a re-render and after popstate', async () => {
  const { sb, window, document } = loadPage('<body><main></main></body>', { url: 'https://www.linkedin.com/in/a/' });
  const seen = [];
  const controller = new window.AbortController();
  sb.navigation.watchNavigation(window, (href) => seen.push(href), { signal: controller.signal, pollMs: 10000 });
  window.history.pushState(null, '', '/in/b/');
  document.querySelector('main').append(document.createElement('section')); // the app re-renders
  await waitFor(() => seen.length === 2);
  document.querySelector('main').append(document.createElement('section')); // same URL: nothing new
  window.history.back();
  await waitFor(() => seen.length === 3);
  controller.abort();
  assert.deepEqual(seen, ['https://www.linkedin.com/in/a/', 'https://www.linkedin.com/in/b/', 'https://www.linkedin.com/in/a/']);
});

test('watchNavigation notices a silent URL change by polling, and stops when aborted', async () => {
  const { sb, window } = loadPage('<body></body>', { url: 'https://www.linkedin.com/in/a/' });
  const seen = [];
  const controller = new window.AbortController();
  sb.navigation.watchNavigation(window, (href) => seen.push(href), { signal: controller.signal, pollMs: 20 });
  window.history.replaceState(null, '', '/in/b/');
  await waitFor(() => seen.length === 2);
  controller.abort();
  window.history.replaceState(null, '', '/in/c/');
  await sleep(80);
  assert.deepEqual(seen, ['https://www.linkedin.com/in/a/', 'https://www.linkedin.com/in/b/']);
});

const experienceCard = (...companies) =>
  `<section data-test-experience-card><h2>Experience</h2><ul>${companies.map((c) => `<li class="position">${c}</li><p>2020 – Present</p>`).join('')}</ul></section>`;
const fullRecruiterPage = (name, ...companies) =>
  `<main><div data-test-profile-container><span data-test-row-lockup-full-name>${name}</span>${experienceCard(...companies)}</div></main>`;

test('waitForProfile waits for the name and the experience card, then a short quiet period', async () => {
  const { sb, window, document } = loadPage('<body><main></main></body>', { url: 'https://www.linkedin.com/talent/profile/AAA' });
  window.setTimeout(() => { document.body.innerHTML = fullRecruiterPage('Jane Doe', 'Acme'); }, 60);
  const started = Date.now();
  // A long "incomplete" quiet period, so that taking it shows however loaded the machine is.
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { incompleteQuietMs: 1500, timeoutMs: 5000 });
  const took = Date.now() - started;
  assert.equal(page.name, 'Jane Doe');
  assert.equal(page.timedOut, false);
  assert.ok(took >= 60 + sb.hydration.QUIET_MS - 2, `took ${took} ms`);
  assert.ok(took < 1500, `took ${took} ms: the complete profile needs only the short quiet`);
  assert.ok(page.container.matches('[data-test-profile-container]'));
});

test('a name without the experience card waits for the long quiet period', async () => {
  const { sb, document } = loadPage(`<body>${recruiterPage('Jane Doe')}</body>`, { url: 'https://www.linkedin.com/talent/profile/AAA' });
  const started = Date.now();
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { timeoutMs: 2000 });
  assert.equal(page.name, 'Jane Doe');
  assert.equal(page.timedOut, false);
  assert.ok(Date.now() - started >= sb.hydration.INCOMPLETE_QUIET_MS - 2);
});

test('a profile hydrating in several passes is taken only after the last pass', async () => {
  const { sb, window, document } = loadPage('<body><main></main></body>', { url: 'https://www.linkedin.com/talent/profile/AAA' });
  const passes = [
    [0, () => { document.body.innerHTML = recruiterPage('Jane Doe'); }], // the top card
    [100, () => { document.querySelector('[data-test-profile-container]').insertAdjacentHTML('beforeend', experienceCard('Acme')); }],
    [115, () => { document.querySelector('ul').insertAdjacentHTML('beforeend', '<li class="position">Globex</li><p>2018 – 2020</p>'); }],
    [130, () => { document.querySelector('li').textContent = 'Acme Corporation'; }], // a text-only change
    [145, () => { document.querySelector('ul').insertAdjacentHTML('beforeend', '<li class="position">Initech</li><p>2015 – 2018</p>'); }]
  ];
  let lastPassAt = null;
  const started = Date.now();
  for (const [at, pass] of passes) window.setTimeout(() => { pass(); lastPassAt = Date.now(); }, at);
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { timeoutMs: 2000 });
  const positions = [...page.container.querySelectorAll('.position')].map((li) => li.textContent);
  assert.deepEqual(positions, ['Acme Corporation', 'Globex', 'Initech']);
  assert.ok(Date.now() - lastPassAt >= sb.hydration.QUIET_MS - 2);
  assert.ok(Date.now() - started >= 145);
});

test('an experience card without a dated entry yet does not make the profile complete', async () => {
  const { sb, window, document } = loadPage(`<body>${fullRecruiterPage('Jane Doe')}</body>`, { url: 'https://www.linkedin.com/talent/profile/AAA' });
  window.setTimeout(() => { document.querySelector('ul').innerHTML = '<li class="position">Acme</li><p>2020 – Present</p>'; }, 80);
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { timeoutMs: 2000 });
  assert.equal(page.container.querySelector('.position')?.textContent, 'Acme');
});

test('changes outside the profile\'s region do not hold the profile back', async () => {
  const { sb, window, document } = loadPage(
    `<body>${fullRecruiterPage('Jane Doe', 'Acme')}<aside id="messaging"></aside></body>`,
    { url: 'https://www.linkedin.com/talent/profile/AAA' }
  );
  const ticker = window.setInterval(() => { document.getElementById('messaging').textContent = String(Date.now()); }, 5);
  const started = Date.now();
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { incompleteQuietMs: 1500, timeoutMs: 5000 });
  window.clearInterval(ticker);
  assert.equal(page.timedOut, false, 'the quiet period is about the profile only');
  assert.ok(Date.now() - started < 1500, 'the complete profile needs only the short quiet');
});

test('a profile that keeps changing is taken when the timeout is reached, and says so', async () => {
  const { sb, window, document } = loadPage(`<body>${fullRecruiterPage('Jane Doe', 'Acme')}</body>`, { url: 'https://www.linkedin.com/talent/profile/AAA' });
  let n = 0;
  const ticker = window.setInterval(() => { document.querySelector('li').textContent = `Acme ${n++}`; }, 5);
  // Quiet periods far above the ticker's 5 ms: a loaded machine's stall of a few tens of ms must
  // not pass for quiet (without the ticker, 200 ms of quiet would come well before the timeout).
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { quietMs: 200, incompleteQuietMs: 200, timeoutMs: 600 });
  window.clearInterval(ticker);
  assert.equal(page.timedOut, true);
  assert.equal(page.name, 'Jane Doe');
});

test('after single-page navigation the previous person\'s name does not count as rendered', async () => {
  const { sb, window, document } = loadPage(`<body>${fullRecruiterPage('Jane Doe', 'Acme')}</body>`, { url: 'https://www.linkedin.com/talent/profile/BBB' });
  window.setTimeout(() => { document.body.innerHTML = fullRecruiterPage('John Roe', 'Globex'); }, 100);
  const started = Date.now();
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { previousName: 'Jane Doe', incompleteQuietMs: 1500, timeoutMs: 5000 });
  assert.equal(page.name, 'John Roe');
  assert.equal(page.container.querySelector('.position').textContent, 'Globex');
  assert.ok(Date.now() - started < 1500, 'the new complete profile needs only the short quiet');
});

test('after single-page navigation the previous person\'s experience card does not make the profile complete', async () => {
  const { sb, window, document } = loadPage(`<body>${fullRecruiterPage('Jane Doe', 'Acme')}</body>`, { url: 'https://www.linkedin.com/talent/profile/BBB' });
  // The top card re-renders first; the experience card is updated in place 100 ms later.
  window.setTimeout(() => { document.querySelector('[data-test-row-lockup-full-name]').textContent = 'John Roe'; }, 20);
  window.setTimeout(() => { document.querySelector('li').textContent = 'Globex'; }, 120);
  const page = await sb.hydration.waitForProfile(document, 'recruiter', { previousName: 'Jane Doe', timeoutMs: 2000 });
  assert.equal(page.name, 'John Roe');
  assert.equal(page.container.querySelector('.position').textContent, 'Globex');
});

test('waitForProfile gives up after its timeout and says so', async () => {
  const { sb, document } = loadPage('<body><main>no profile here</main></body>');
  const page = await sb.hydration.waitForProfile(document, 'sales_navigator', { timeoutMs: 60 });
  assert.equal(page.timedOut, true);
  assert.equal(page.name, '');
});

test('waitForProfile stops when its signal aborts', async () => {
  const { sb, window, document } = loadPage('<body><main></main></body>', { url: 'https://www.linkedin.com/talent/profile/AAA' });
  const controller = new window.AbortController();
  const waiting = sb.hydration.waitForProfile(document, 'recruiter', { signal: controller.signal, timeoutMs: 2000 });
  window.setTimeout(() => controller.abort(), 20);
  await assert.rejects(waiting);
});

test('the content script sends one lookup per person across single-page navigation and shows the answers', async () => {
  const sent = [];
  const chrome = {
    runtime: {
      sendMessage: async (message) => {
        sent.push(message.lookupProfile);
        const name = message.lookupProfile.personKey.endsWith('AAA') ? 'first' : 'second';
        return { result: { email: { address: `${name}@acme.example`, confidence: 'probable', alternatives: [] },
          greenhouse: { status: 'no_duplicates', label: 'No duplicates found in Greenhouse', matches: [] } } };
      }
    }
  };
  const { window, document } = loadPage(`<body>${recruiterPage('Jane Doe')}</body>`, {
    url: 'https://www.linkedin.com/talent/profile/AAA',
    files: manifestContentScripts(),
    before: (win) => { win.chrome = chrome; captureShadowRoots(win); }
  });
  const host = () => document.getElementById('sourcebridge-badge');
  const shownAddress = () => (host() && shadowOf(window, host()).querySelector('.sb-address')?.textContent);
  await waitFor(() => shownAddress() === 'first@acme.example');
  window.history.pushState(null, '', '/talent/profile/AAA?start=25'); // same person
  document.body.append(document.createElement('div'));
  await sleep(300);
  window.history.pushState(null, '', '/talent/profile/BBB');
  document.body.innerHTML = recruiterPage('John Roe');
  await waitFor(() => shownAddress() === 'second@acme.example');
  assert.deepEqual(sent.map((m) => m.personKey), ['recruiter:AAA', 'recruiter:BBB']);
  assert.equal(host().dataset.person, 'recruiter:BBB');
  const body = JSON.parse(sent[1].body);
  assert.equal(sent[1].encoding, 'identity');
  assert.equal(body.url, 'https://www.linkedin.com/talent/profile/BBB');
  assert.match(body.html, /John Roe/);
  window.history.pushState(null, '', '/talent/hire/1/manage/all');
  document.body.innerHTML = '<main>list</main>';
  await waitFor(() => host().hidden === true);
});

test('after an error, "Try again" looks the same person up again without waiting for a re-render', async () => {
  const replies = [
    { error: { kind: 'unauthorized', message: 'The API token was rejected — check it in Options' } },
    { result: { email: { address: 'jane@acme.example', confidence: 'probable', alternatives: [] },
      greenhouse: { status: 'no_duplicates', label: 'No duplicates found in Greenhouse', matches: [] } } }
  ];
  const sent = [];
  const { window, document } = loadPage(`<body>${recruiterPage('Jane Doe')}</body>`, {
    url: 'https://www.linkedin.com/talent/profile/AAA',
    files: manifestContentScripts(),
    before: (win) => {
      win.chrome = { runtime: { sendMessage: async (message) => { sent.push(message); return replies.shift(); } } };
      captureShadowRoots(win);
    }
  });
  const shadow = () => {
    const host = document.getElementById('sourcebridge-badge');
    return host ? shadowOf(window, host) : null;
  };
  await waitFor(() => shadow()?.querySelector('.sb-error'));
  assert.equal(shadow().querySelector('.sb-error').textContent, 'The API token was rejected — check it in Options');
  const started = Date.now();
  shadow().querySelector('.sb-retry').click();
  await waitFor(() => shadow().querySelector('.sb-address')?.textContent === 'jane@acme.example');
  assert.ok(Date.now() - started < 1000, 'the retry must not wait for a different name to render');
  assert.equal(sent.length, 2);
  assert.equal(shadow().querySelector('.sb-retry'), null);
});
