import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { callBackend, getMe, postLookup } from '../../background/backend.js';
import { SourcebridgeError, errorFromResponse, greenhouseNotice, toWireError } from '../../background/errors.js';
import { handlers } from '../../background/handlers.js';
import { messageListener } from '../../background/messages.js';
import { extraPermissionFor, maskToken, normalizeBackendUrl } from '../../background/settings.js';
import { fakeFetch, installFakeChrome } from './fake-chrome.js';

const SETTINGS = { backendUrl: 'http://127.0.0.1:5000', apiToken: 'sb_secret_token_1234' };
let chrome;
beforeEach(() => {
  chrome = installFakeChrome();
});

const lookupResult = (greenhouse) => ({
  id: 3,
  profile: { source: 'linkedin', full_name: 'Jane Doe' },
  email: { address: 'jane@acme.example', confidence: 'probable', domain: 'acme.example', alternatives: [] },
  greenhouse,
  contact: null
});

/** Sends a message through the real listener and resolves with the reply. */
function send(message, sender = { id: 'sourcebridge-test-id', tab: { id: 5, url: 'https://www.linkedin.com/in/jane/' } }) {
  return new Promise((resolve) => {
    const listener = messageListener(handlers);
    assert.equal(listener(message, sender, resolve), true);
  });
}

test('a rejected token reads "The API token was rejected — check it in Options"', () => {
  const error = errorFromResponse(401, { code: 401, status: 'Unauthorized', message: 'bad token' }, SETTINGS.backendUrl);
  assert.deepEqual(toWireError(error), { kind: 'unauthorized', message: 'The API token was rejected — check it in Options' });
});

test('backend answers map to kinds with messages a recruiter can act on', () => {
  const cases = [
    [403, 'forbidden'], [404, 'not_found'], [413, 'too_large'], [422, 'unreadable_profile'],
    [400, 'unreadable_profile'], [429, 'rate_limited'], [500, 'server_error'], [503, 'server_error'], [418, 'unexpected']
  ];
  for (const [status, kind] of cases) {
    const error = errorFromResponse(status, null, SETTINGS.backendUrl);
    assert.equal(error.kind, kind, String(status));
    assert.ok(error.message.length > 10 && !/undefined|null/.test(error.message), error.message);
  }
  assert.match(errorFromResponse(500, null, SETTINGS.backendUrl).message, /HTTP 500/);
  assert.equal(errorFromResponse(422, { message: 'No name found on this page' }, 'x').message, 'No name found on this page');
});

test("Sourcebridge's own 404 and 429 words are kept: only a bare 404 means the URL is wrong", () => {
  const gone = errorFromResponse(404, { code: 404, status: 'Not Found', message: 'No sequence 3.' }, SETTINGS.backendUrl);
  assert.deepEqual(toWireError(gone), { kind: 'not_found', message: 'No sequence 3.' });
  const slow = errorFromResponse(429, { code: 429, message: 'Too many sign-in attempts; retry later.' }, SETTINGS.backendUrl);
  assert.deepEqual(toWireError(slow), { kind: 'rate_limited', message: 'Too many sign-in attempts; retry later.' });
  assert.match(errorFromResponse(404, null, SETTINGS.backendUrl).message, /does not look like Sourcebridge/);
  // The backend's answer for a path it has no route for (an older backend, a wrong URL prefix)
  const noRoute = { code: 404, status: 'Not Found', message: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.' };
  assert.match(errorFromResponse(404, noRoute, SETTINGS.backendUrl).message, /check the URL in Options/);
});

test('an unreachable backend is named by its URL', async () => {
  const refused = async () => { throw new TypeError('Failed to fetch'); };
  await assert.rejects(getMe(SETTINGS, { fetchImpl: refused }), {
    kind: 'unreachable',
    message: "Can't reach the Sourcebridge backend at http://127.0.0.1:5000"
  });
});

test('a backend that does not answer in time is a timeout, not a refusal', async () => {
  const slow = async () => { throw new DOMException('signal timed out', 'TimeoutError'); };
  await assert.rejects(getMe(SETTINGS, { fetchImpl: slow }), { kind: 'timeout' });
});

test('a 2xx answer that is not JSON is reported, not passed on', async () => {
  const html = async () => new Response('<html>proxy login</html>', { status: 200 });
  await assert.rejects(getMe(SETTINGS, { fetchImpl: html }), { kind: 'bad_response' });
});

test('a backend outside the built-in hosts needs its host permission first', async () => {
  const fetchImpl = fakeFetch(200, { email: 'a@b.c' });
  const remote = { backendUrl: 'https://sourcebridge.acme.example', apiToken: 't' };
  await assert.rejects(callBackend(remote, '/api/v1/me', { timeoutMs: 1000, fetchImpl, hasPermission: async () => false }), {
    kind: 'permission_missing'
  });
  assert.equal(fetchImpl.calls.length, 0);
  await callBackend(remote, '/api/v1/me', { timeoutMs: 1000, fetchImpl, hasPermission: async () => true });
  assert.equal(fetchImpl.calls[0].url, 'https://sourcebridge.acme.example/api/v1/me');
});

test('a gzipped lookup is posted as the gzipped JSON with Content-Encoding and the bearer token', async () => {
  const fetchImpl = fakeFetch(200, lookupResult({ status: 'no_duplicates', label: 'No duplicates found in Greenhouse', matches: [] }));
  const json = JSON.stringify({ url: 'https://www.linkedin.com/in/jane/', html: '<body>Jane</body>' });
  await postLookup(SETTINGS, { encoding: 'gzip', body: gzipSync(json).toString('base64') }, { fetchImpl });
  const { url, init } = fetchImpl.calls[0];
  assert.equal(url, 'http://127.0.0.1:5000/api/v1/lookups');
  assert.equal(init.method, 'POST');
  assert.equal(init.headers.Authorization, 'Bearer sb_secret_token_1234');
  assert.equal(init.headers['Content-Encoding'], 'gzip');
  assert.equal(init.headers['Content-Type'], 'application/json');
  assert.equal(gunzipSync(init.body).toString('utf8'), json);
});

test('a lookup without options configured says where to set them, and the popup sees the same error', async () => {
  const reply = await send({ lookupProfile: { encoding: 'identity', body: '{}', personKey: 'linkedin:jane', requestedAt: 1 } });
  assert.deepEqual(reply, { error: { kind: 'not_configured', message: 'Set the backend URL and API token in Options' } });
  const stored = await send({ getTabResult: { tabId: 5 } });
  assert.deepEqual(stored.result.error, reply.error);
});

test('Greenhouse not connected: the lookup succeeds and keeps the backend\'s label, or gets a readable one', () => {
  assert.deepEqual(greenhouseNotice(lookupResult({ status: 'not_connected', label: 'Greenhouse is not connected', matches: [] })), {
    kind: 'greenhouse_not_connected',
    message: 'Greenhouse is not connected'
  });
  assert.equal(greenhouseNotice(lookupResult({ status: 'unavailable', label: '', matches: [] })).kind, 'greenhouse_unavailable');
  assert.equal(greenhouseNotice(lookupResult({ status: 'duplicate', label: 'Duplicate found in Greenhouse', matches: [] })), null);
});

test('the last result per tab survives in storage, and a slower older answer does not replace a newer one', async () => {
  await chrome.storage.local.set(SETTINGS);
  const answers = [
    lookupResult({ status: 'duplicate', label: 'Duplicate found in Greenhouse', matches: [] }),
    lookupResult({ status: 'no_duplicates', label: 'No duplicates found in Greenhouse', matches: [] })
  ];
  globalThis.fetch = async () => new Response(JSON.stringify(answers.shift()), { status: 200 });
  try {
    const newer = await send({ lookupProfile: { encoding: 'identity', body: '{}', personKey: 'linkedin:b', requestedAt: 20 } });
    assert.equal(newer.result.greenhouse.status, 'duplicate');
    await send({ lookupProfile: { encoding: 'identity', body: '{}', personKey: 'linkedin:a', requestedAt: 10 } });
  } finally {
    delete globalThis.fetch;
  }
  const stored = await send({ getTabResult: { tabId: 5 } });
  assert.equal(stored.result.personKey, 'linkedin:b');
  assert.equal(stored.result.result.greenhouse.label, 'Duplicate found in Greenhouse');
});

test('testConnection reports who the token belongs to', async () => {
  await chrome.storage.local.set(SETTINGS);
  globalThis.fetch = fakeFetch(200, { id: 1, email: 'lead@acme.example', is_admin: true, account: { id: 1, name: 'Acme' } });
  try {
    assert.deepEqual(await send({ testConnection: {} }), { result: { email: 'lead@acme.example', account: 'Acme' } });
  } finally {
    delete globalThis.fetch;
  }
});

test('messages from elsewhere or with no known handler are not answered', () => {
  const listener = messageListener(handlers);
  assert.equal(listener({ testConnection: {} }, { id: 'another-extension' }, () => {}), false);
  assert.equal(listener({ nope: {} }, { id: 'sourcebridge-test-id' }, () => {}), false);
  assert.equal(listener('testConnection', { id: 'sourcebridge-test-id' }, () => {}), false);
});

test('unexpected exceptions still reach the sender as {kind, message}', () => {
  assert.deepEqual(toWireError(new RangeError('boom')), { kind: 'internal', message: 'Something went wrong in Sourcebridge: boom' });
  assert.equal(toWireError(new SourcebridgeError('timeout', 'slow')).kind, 'timeout');
});

test('backend URLs are normalized, and only non-local backends need an extra permission', () => {
  assert.equal(normalizeBackendUrl(' http://127.0.0.1:5000/ '), 'http://127.0.0.1:5000');
  assert.equal(normalizeBackendUrl('https://sb.acme.example/base//?x=1#y'), 'https://sb.acme.example/base');
  assert.throws(() => normalizeBackendUrl('ftp://x'), /http:\/\/ or https:\/\//);
  assert.throws(() => normalizeBackendUrl('127.0.0.1:5000'), TypeError);
  assert.throws(() => normalizeBackendUrl('https://user:pw@x.example'), /token/);
  assert.equal(extraPermissionFor('http://127.0.0.1:5000'), null);
  assert.equal(extraPermissionFor('http://localhost:8080'), null);
  assert.equal(extraPermissionFor('https://localhost:8443'), 'https://localhost/*');
  assert.equal(extraPermissionFor('https://sb.acme.example:8443/base'), 'https://sb.acme.example/*');
  assert.equal(maskToken('sb_secret_token_1234'), '••••••••1234');
  assert.ok(!maskToken('short').includes('short'));
});
