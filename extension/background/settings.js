/*
 * The options (backend URL, API token) in chrome.storage.local, and the backend-URL rules shared by
 * the service worker and the options page. Nothing is cached in memory: the worker may be stopped
 * at any time.
 */

/** Origins the manifest grants up front (host_permissions): a local backend needs no prompt. */
export const BUILT_IN_HOSTS = Object.freeze(['127.0.0.1', 'localhost']);

/**
 * The canonical form of a backend URL typed by a user: scheme, host, port and path, no trailing
 * slash, no query or fragment. Throws TypeError with a readable message for anything else.
 * @param {string} value
 * @returns {string}
 */
export function normalizeBackendUrl(value) {
  let url;
  try {
    url = new URL(String(value ?? '').trim());
  } catch {
    throw new TypeError('Enter the backend URL, e.g. http://127.0.0.1:5000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('The backend URL must start with http:// or https://');
  }
  if (url.username || url.password) throw new TypeError('Put the API token in its own field, not in the URL');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The host-permission pattern needed for a backend URL, or null when the manifest already grants it.
 * @param {string} backendUrl a normalized backend URL
 * @returns {string | null}
 */
export function extraPermissionFor(backendUrl) {
  const url = new URL(backendUrl);
  if (url.protocol === 'http:' && BUILT_IN_HOSTS.includes(url.hostname)) return null;
  return `${url.protocol}//${url.hostname}/*`;
}

/** Hosts that never leave this computer: plain http to them does not expose the token. */
export const LOOPBACK_HOSTS = Object.freeze(['127.0.0.1', 'localhost', '[::1]']);

/**
 * True when the token would travel unencrypted over a network (http:// to a non-loopback host).
 * @param {string} backendUrl a normalized backend URL
 */
export function sendsTokenInClear(backendUrl) {
  const url = new URL(backendUrl);
  return url.protocol === 'http:' && !LOOPBACK_HOSTS.includes(url.hostname);
}

/** The last characters of a token, for showing which one is saved without showing it. */
export function maskToken(token) {
  if (!token) return '';
  return token.length <= 8 ? '•'.repeat(token.length) : `••••••••${token.slice(-4)}`;
}

/** @returns {Promise<{backendUrl: string, apiToken: string}>} empty strings when unset */
export async function getSettings() {
  const { backendUrl = '', apiToken = '' } = await chrome.storage.local.get(['backendUrl', 'apiToken']);
  return { backendUrl, apiToken };
}

/** @param {{backendUrl?: string, apiToken?: string}} changes only the given keys are written */
export async function saveSettings(changes) {
  const values = {};
  if (changes.backendUrl !== undefined) values.backendUrl = normalizeBackendUrl(changes.backendUrl);
  if (changes.apiToken !== undefined) values.apiToken = String(changes.apiToken).trim();
  await chrome.storage.local.set(values);
  return values;
}
