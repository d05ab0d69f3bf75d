/*
 * The Sourcebridge backend API, as seen from the service worker: the only code in the extension
 * that makes network requests. Every failure becomes a SourcebridgeError (see errors.js).
 */
import {
  SourcebridgeError,
  errorFromResponse,
  notConfigured,
  permissionMissing,
  timedOut,
  unreachable
} from './errors.js';
import { extraPermissionFor, getSettings } from './settings.js';

/** Milliseconds a lookup may take: the backend may have to ask Greenhouse and DNS live. */
export const LOOKUP_TIMEOUT_MS = 20000;
/** Milliseconds for the connection test (GET /api/v1/me is a database read). */
export const ME_TIMEOUT_MS = 8000;

/** Decodes base64 (as sent by the content script) to bytes. */
export function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** @returns {Promise<{backendUrl: string, apiToken: string}>} throws not_configured when incomplete */
export async function requireSettings() {
  const settings = await getSettings();
  if (!settings.backendUrl || !settings.apiToken) throw notConfigured();
  return settings;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * One request to the backend.
 * @param {{backendUrl: string, apiToken: string}} settings
 * @param {string} path e.g. '/api/v1/me'
 * @param {{method?: string, headers?: object, body?: BodyInit, timeoutMs: number, fetchImpl?: typeof fetch,
 *          hasPermission?: (origin: string) => Promise<boolean>}} options
 * @returns {Promise<unknown>} the parsed JSON body of a 2xx answer
 */
export async function callBackend(settings, path, options) {
  const { backendUrl, apiToken } = settings;
  const { method = 'GET', headers = {}, body, timeoutMs, fetchImpl = fetch, hasPermission = hasHostPermission } = options;
  const pattern = extraPermissionFor(backendUrl);
  if (pattern && !(await hasPermission(pattern))) throw permissionMissing(new URL(backendUrl).origin);
  let response;
  try {
    response = await fetchImpl(`${backendUrl}${path}`, {
      method,
      // No token yet while connecting: the exchange endpoint is the one public API call.
      headers: { Accept: 'application/json', ...(apiToken ? { Authorization: `Bearer ${apiToken}` } : {}), ...headers },
      body,
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs)
    });
  } catch (error) {
    if (error?.name === 'TimeoutError') throw timedOut(backendUrl);
    throw unreachable(backendUrl);
  }
  const data = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, data, backendUrl);
  if (data === null) {
    throw new SourcebridgeError('bad_response', `The backend at ${backendUrl} sent an answer Sourcebridge cannot read`);
  }
  return data;
}

function hasHostPermission(pattern) {
  return chrome.permissions.contains({ origins: [pattern] });
}

/**
 * POST /api/v1/lookups with the snapshot as the content script encoded it.
 * @param {{backendUrl: string, apiToken: string}} settings
 * @param {{encoding: 'gzip' | 'identity', body: string}} payload gzip: base64 of the gzipped JSON
 */
export function postLookup(settings, payload, options = {}) {
  const gzipped = payload.encoding === 'gzip';
  return callBackend(settings, '/api/v1/lookups', {
    ...options,
    method: 'POST',
    headers: gzipped
      ? { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }
      : { 'Content-Type': 'application/json' },
    body: gzipped ? base64ToBytes(payload.body) : payload.body,
    timeoutMs: LOOKUP_TIMEOUT_MS
  });
}

/** Milliseconds to read a stored lookup again (a database read). */
export const LOOKUP_READ_TIMEOUT_MS = 8000;

/** GET /api/v1/lookups/{id}: a stored lookup, with the person's contact as it is now. */
export function getLookup(settings, lookupId, options = {}) {
  return callBackend(settings, `/api/v1/lookups/${Number(lookupId)}`, { ...options, timeoutMs: LOOKUP_READ_TIMEOUT_MS });
}

/** GET /api/v1/me: who the token belongs to. */
export function getMe(settings, options = {}) {
  return callBackend(settings, '/api/v1/me', { ...options, timeoutMs: ME_TIMEOUT_MS });
}
