import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import {
  base64Url,
  connectPageUrl,
  deviceLabel,
  finishConnect,
  makePkce,
  parseConnectedUrl,
  startConnect
} from '../../background/connect.js';
import { sendsTokenInClear } from '../../background/settings.js';
import { fakeFetch, installFakeChrome } from './fake-chrome.js';

const BACKEND = 'http://127.0.0.1:5000';
let chrome;
beforeEach(() => {
  chrome = installFakeChrome();
});

/** Starts a connection and returns the state and challenge the web app would receive. */
async function started() {
  await chrome.storage.local.set({ backendUrl: BACKEND });
  const opened = [];
  await startConnect({}, {}, { createTab: async (props) => (opened.push(props.url), { id: 42 }) });
  const url = new URL(opened[0]);
  return { url, state: url.searchParams.get('state'), challenge: url.searchParams.get('code_challenge') };
}

test('the PKCE challenge is the base64url SHA-256 of the verifier (RFC 7636 S256)', async () => {
  const { verifier, challenge } = await makePkce();
  assert.match(verifier, /^[A-Za-z0-9_-]{64}$/);
  const expected = createHash('sha256').update(verifier).digest('base64url');
  assert.equal(challenge, expected);
});

test('base64url has no padding and no + or /', () => {
  assert.equal(base64Url(new Uint8Array([251, 255, 191])), '-_-_');
});

test('start opens the web app connect page with the challenge, never the verifier', async () => {
  const { url, challenge } = await started();
  assert.equal(`${url.origin}${url.pathname}`, `${BACKEND}/extension/connect`);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  const { pendingConnect } = await chrome.storage.session.get('pendingConnect');
  assert.equal(pendingConnect.tabId, 42);
  assert.ok(!url.href.includes(pendingConnect.verifier));
  assert.equal(createHash('sha256').update(pendingConnect.verifier).digest('base64url'), challenge);
});

test('only the backend /extension/connected page with code and state is read', () => {
  assert.deepEqual(parseConnectedUrl(`${BACKEND}/extension/connected#code=abc&state=xyz`, BACKEND), {
    code: 'abc',
    state: 'xyz'
  });
  assert.equal(parseConnectedUrl(`http://evil.test/extension/connected#code=abc&state=xyz`, BACKEND), null);
  assert.equal(parseConnectedUrl(`${BACKEND}/extension/connected`, BACKEND), null);
  assert.equal(parseConnectedUrl(`${BACKEND}/login#code=abc&state=xyz`, BACKEND), null);
});

test('finishing exchanges code + verifier, saves the token and closes the tab', async () => {
  const { state } = await started();
  const fetchImpl = fakeFetch(201, { token: 'sb_device_token', token_id: 3, label: 'x', email: 'ann@example.com' });
  const closed = [];
  const outcome = await finishConnect(42, `${BACKEND}/extension/connected#code=the-code&state=${state}`, {
    fetchImpl,
    closeTab: async (id) => closed.push(id)
  });
  assert.equal(outcome, 'connected');
  const sent = JSON.parse(fetchImpl.calls[0].init.body);
  const { apiToken } = await chrome.storage.local.get('apiToken');
  assert.equal(fetchImpl.calls[0].url, `${BACKEND}/api/v1/extension/token`);
  assert.equal(sent.code, 'the-code');
  assert.match(sent.code_verifier, /^[A-Za-z0-9_-]{64}$/);
  assert.equal(fetchImpl.calls[0].init.headers.Authorization, undefined);
  assert.equal(apiToken, 'sb_device_token');
  assert.deepEqual(closed, [42]);
  const { connectResult } = await chrome.storage.session.get('connectResult');
  assert.deepEqual([connectResult.ok, connectResult.message], [true, 'Connected as ann@example.com.']);
});

test('a state that was not ours is refused without calling the backend', async () => {
  await started();
  const fetchImpl = fakeFetch(201, { token: 'nope' });
  const outcome = await finishConnect(42, `${BACKEND}/extension/connected#code=c&state=forged`, {
    fetchImpl,
    closeTab: async () => {}
  });
  assert.equal(outcome, 'failed');
  assert.equal(fetchImpl.calls.length, 0);
  assert.deepEqual(await chrome.storage.local.get('apiToken'), {});
});

test('other tabs and other pages are ignored', async () => {
  const { state } = await started();
  const url = `${BACKEND}/extension/connected#code=c&state=${state}`;
  assert.equal(await finishConnect(7, url, { fetchImpl: fakeFetch(500, {}) }), 'ignored');
  assert.equal(await finishConnect(42, `${BACKEND}/login`, { fetchImpl: fakeFetch(500, {}) }), 'ignored');
});

test('a refused exchange is reported in words and saves nothing', async () => {
  const { state } = await started();
  const fetchImpl = fakeFetch(400, { code: 400, status: 'Bad Request', message: 'This sign-in code has expired or was already used.' });
  const outcome = await finishConnect(42, `${BACKEND}/extension/connected#code=c&state=${state}`, {
    fetchImpl,
    closeTab: async () => {}
  });
  assert.equal(outcome, 'failed');
  const { connectResult } = await chrome.storage.session.get('connectResult');
  assert.match(connectResult.message, /^Could not connect: /);
  assert.deepEqual(await chrome.storage.local.get('apiToken'), {});
});

test('the connect page URL carries the device label', () => {
  const url = new URL(connectPageUrl(BACKEND, { challenge: 'c', state: 's', device: deviceLabel({ platform: 'Linux' }) }));
  assert.equal(url.searchParams.get('device'), 'Chrome on Linux');
});

test('plain http to anything but this computer sends the token in clear', () => {
  assert.equal(sendsTokenInClear('http://127.0.0.1:5000'), false);
  assert.equal(sendsTokenInClear('http://localhost:5000'), false);
  assert.equal(sendsTokenInClear('https://sourcebridge.acme.example'), false);
  assert.equal(sendsTokenInClear('http://sourcebridge.acme.example'), true);
  assert.equal(sendsTokenInClear('http://10.0.0.5:5000'), true);
});
