/* Conventions of the extension, checked rather than reviewed (refined-github's meta-tests). */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXTENSION_ROOT, manifestContentScripts } from './helpers.js';

const read = (file) => readFileSync(path.join(EXTENSION_ROOT, file), 'utf8');
const filesIn = (dir) => readdirSync(path.join(EXTENSION_ROOT, dir)).filter((f) => f.endsWith('.js')).map((f) => `${dir}/${f}`);
const manifest = JSON.parse(read('manifest.json'));

test('every content-script file is listed in the manifest, selectors first and main last', () => {
  const listed = manifestContentScripts();
  assert.deepEqual([...listed].sort(), filesIn('content_scripts').sort());
  assert.equal(listed[0], 'content_scripts/selectors.js');
  assert.equal(listed.at(-1), 'content_scripts/main.js');
});

test('LinkedIn selectors appear only in selectors.js', () => {
  for (const file of filesIn('content_scripts').filter((f) => !f.endsWith('/selectors.js'))) {
    assert.doesNotMatch(read(file), /querySelector(All)?\(\s*['"`]/, file);
    assert.doesNotMatch(read(file), /\.(closest|matches)\(\s*['"`]/, file);
  }
});

test('only the service worker makes network requests', () => {
  for (const file of ['content_scripts', 'popup', 'options', 'shared'].flatMap(filesIn)) {
    assert.doesNotMatch(read(file), /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon/, file);
  }
});

test('nothing renders data through innerHTML, outerHTML assignment or insertAdjacentHTML', () => {
  for (const file of ['content_scripts', 'popup', 'options', 'shared', 'background'].flatMap(filesIn)) {
    assert.doesNotMatch(read(file), /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write/, file);
  }
});

test('the manifest asks for the fewest permissions that work', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.permissions, ['storage']);
  assert.deepEqual(manifest.host_permissions, ['https://www.linkedin.com/*', 'http://127.0.0.1/*', 'http://localhost/*']);
  assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://*/*']);
  // Every LinkedIn page, not only /talent/, /in/ and /sales/: LinkedIn reaches profiles by
  // single-page navigation (feed or search -> /in/...), where no content script would be injected.
  // page-detect.js decides where the extension acts; the host is granted by host_permissions anyway.
  assert.deepEqual(manifest.content_scripts[0].matches, ['https://www.linkedin.com/*']);
  assert.deepEqual(manifest.background, { service_worker: 'background/service-worker.js', type: 'module' });
  assert.equal(manifest.web_accessible_resources, undefined); // nothing for LinkedIn to probe
});

test('the popup loads no service-worker module; shared modules import only each other', () => {
  const imports = (file) => [...read(file).matchAll(/from\s+'([^']+)'/g)].map(([, spec]) => spec);
  for (const file of filesIn('popup')) {
    for (const spec of imports(file)) assert.doesNotMatch(spec, /background\//, `${file} imports ${spec}`);
  }
  for (const file of filesIn('shared')) {
    for (const spec of imports(file)) assert.match(spec, /^\.\/[^/]+$/, `${file} imports ${spec}`);
  }
});

test('every worker module is reachable from the service worker entry point', () => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of read(file).matchAll(/from\s+'(\.\/[^']+)'/g)) visit(`background/${spec.slice(2)}`);
  };
  visit('background/service-worker.js');
  assert.deepEqual([...seen].sort(), filesIn('background').sort());
});

test('the service worker keeps no state in module-level variables', () => {
  for (const file of filesIn('background')) {
    assert.doesNotMatch(read(file), /^(let|var)\s/m, file);
  }
});
