/*
 * "Connect to Sourcebridge": sign the extension in through the web app, without pasting a token.
 *
 * The worker makes a PKCE verifier and a state, keeps them in chrome.storage.session (the worker
 * may be stopped while the user signs in), and opens {backend}/extension/connect in a tab. After
 * the user confirms, the web app redirects that tab to /extension/connected#code=…&state=…; the
 * worker sees the URL (it has host permission for the backend), checks the state, closes the tab
 * and exchanges code + verifier for a per-device token at POST /api/v1/extension/token.
 * The code is useless without the verifier, which never leaves the worker.
 */
import { callBackend } from './backend.js';
import { SourcebridgeError } from './errors.js';
import { getSettings, saveSettings } from './settings.js';

/** Milliseconds the token exchange may take. */
export const EXCHANGE_TIMEOUT_MS = 8000;
/** Milliseconds a started connection stays valid (the user has to sign in first, maybe). */
export const CONNECT_WINDOW_MS = 15 * 60 * 1000;

const PENDING_KEY = 'pendingConnect';
const RESULT_KEY = 'connectResult';

/** Base64url without padding (RFC 7636 appendix A). */
export function base64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random verifier (64 characters) and its S256 challenge. */
export async function makePkce(random = (n) => crypto.getRandomValues(new Uint8Array(n))) {
  const verifier = base64Url(random(48));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64Url(new Uint8Array(digest)) };
}

/** The web app page that asks the signed-in user to confirm. */
export function connectPageUrl(backendUrl, { challenge, state, device }) {
  const query = new URLSearchParams({
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    device
  });
  return `${backendUrl}/extension/connect?${query}`;
}

/** The web app's page the connect tab returns to (its fragment carries the code). */
export const CONNECTED_PATH = '/extension/connected';

/**
 * The code and state from the page the web app redirects to, or null for any other URL.
 * @param {string} url the tab's URL
 * @param {string} backendUrl
 */
export function parseConnectedUrl(url, backendUrl) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const expected = new URL(`${backendUrl}${CONNECTED_PATH}`);
  if (parsed.origin !== expected.origin || parsed.pathname !== expected.pathname) return null;
  const fragment = new URLSearchParams(parsed.hash.replace(/^#/, ''));
  const code = fragment.get('code');
  const state = fragment.get('state');
  return code && state ? { code, state } : null;
}

/** "Chrome on Linux", from what the browser says about itself. */
export function deviceLabel(uaData = globalThis.navigator?.userAgentData) {
  const platform = uaData?.platform;
  return platform ? `Chrome on ${platform}` : 'Chrome extension';
}

/** From the options page: open the web app's connect page (the backend URL is saved already). */
export async function startConnect(_argument, _sender, { createTab = (props) => chrome.tabs.create(props) } = {}) {
  const { backendUrl } = await getSettings();
  if (!backendUrl) throw new SourcebridgeError('not_configured', 'Enter the backend URL first');
  const { verifier, challenge } = await makePkce();
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  await chrome.storage.session.remove(RESULT_KEY);
  const tab = await createTab({ url: connectPageUrl(backendUrl, { challenge, state, device: deviceLabel() }) });
  await chrome.storage.session.set({
    [PENDING_KEY]: { backendUrl, verifier, state, tabId: tab?.id ?? null, startedAt: Date.now() }
  });
  return { started: true };
}

/**
 * chrome.tabs.onUpdated: when the connect tab lands on /extension/connected, finish the exchange.
 * Returns what happened (for tests): 'ignored' | 'connected' | 'failed'.
 */
export async function finishConnect(tabId, url, { fetchImpl = fetch, closeTab = (id) => chrome.tabs.remove(id), now = Date.now() } = {}) {
  if (!url) return 'ignored';
  const { [PENDING_KEY]: pending } = await chrome.storage.session.get(PENDING_KEY);
  if (!pending || (pending.tabId !== null && pending.tabId !== tabId)) return 'ignored';
  const found = parseConnectedUrl(url, pending.backendUrl);
  if (!found) return 'ignored';
  await chrome.storage.session.remove(PENDING_KEY); // one attempt per start, whatever happens
  let outcome;
  if (found.state !== pending.state || now - pending.startedAt > CONNECT_WINDOW_MS) {
    outcome = { ok: false, message: 'This sign-in was not started here or took too long. Press Connect again.' };
  } else {
    try {
      const answer = await callBackend({ backendUrl: pending.backendUrl, apiToken: '' }, '/api/v1/extension/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: found.code, code_verifier: pending.verifier, label: deviceLabel() }),
        timeoutMs: EXCHANGE_TIMEOUT_MS,
        fetchImpl
      });
      await saveSettings({ backendUrl: pending.backendUrl, apiToken: answer.token });
      outcome = { ok: true, message: `Connected as ${answer.email}.` };
    } catch (error) {
      outcome = { ok: false, message: `Could not connect: ${error.message}` };
    }
  }
  await chrome.storage.session.set({ [RESULT_KEY]: { ...outcome, at: now } });
  try {
    await closeTab(tabId);
  } catch {
    // The user may have closed it already.
  }
  return outcome.ok ? 'connected' : 'failed';
}
