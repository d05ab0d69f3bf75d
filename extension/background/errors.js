/*
 * Everything that can go wrong between the extension and the backend, as one error class with a
 * `kind` and a message a recruiter can act on. The wire format back to the sender is
 * {error: {kind, message}}; the backend's own errors arrive as {code, status, message, errors, reason?}.
 */

export class SourcebridgeError extends Error {
  /** @param {string} kind @param {string} message */
  constructor(kind, message) {
    super(message);
    this.name = 'SourcebridgeError';
    this.kind = kind;
  }
}

export const notConfigured = () =>
  new SourcebridgeError('not_configured', 'Set the backend URL and API token in Options');

export const unreachable = (backendUrl) =>
  new SourcebridgeError('unreachable', `Can't reach the Sourcebridge backend at ${backendUrl}`);

export const timedOut = (backendUrl) =>
  new SourcebridgeError('timeout', `The Sourcebridge backend at ${backendUrl} did not answer in time`);

export const permissionMissing = (origin) =>
  new SourcebridgeError(
    'permission_missing',
    `Sourcebridge is not allowed to reach ${origin} — save the backend URL again in Options and allow access`
  );

/** The backend's own message, when it sent one we can show. */
function backendMessage(body) {
  return typeof body?.message === 'string' && body.message.trim() ? body.message.trim() : null;
}

/**
 * Maps a non-2xx answer from the backend to an error.
 * @param {number} status
 * @param {unknown} body the parsed JSON body, or null
 * @param {string} backendUrl
 */
export function errorFromResponse(status, body, backendUrl) {
  const error = errorForStatus(status, backendMessage(body), backendUrl);
  error.status = status; // callers that act on the status (409 vs 422) read it here
  // The backend's stable word for a refusal ("suppressed", "already_enrolled"), when it gave one.
  error.reason = typeof body?.reason === 'string' ? body.reason : null;
  // The fields the backend named (`{field: [text]}`), for callers that word a refusal themselves.
  error.fields = body?.errors && typeof body.errors === 'object' ? Object.keys(body.errors) : [];
  return error;
}

/** How werkzeug (the backend's framework) words a 404 for a path with no route. */
const NO_ROUTE_WORDS = 'The requested URL was not found on the server';

function errorForStatus(status, detail, backendUrl) {
  if (status === 401) {
    return new SourcebridgeError('unauthorized', 'The API token was rejected — check it in Options');
  }
  if (status === 403) {
    return new SourcebridgeError('forbidden', detail ?? 'Your Sourcebridge account is not allowed to do this');
  }
  if (status === 404) {
    // With Sourcebridge's own words ("No sequence 3."), the thing asked for is gone; without, or
    // with the web framework's words for a path it has no route for, the URL does not lead to
    // this Sourcebridge's API (a wrong URL in Options, or a backend older than the extension).
    const gone = detail && !detail.startsWith(NO_ROUTE_WORDS) ? detail : null;
    return new SourcebridgeError(
      'not_found',
      gone ?? `The backend at ${backendUrl} does not look like Sourcebridge (no such API endpoint) — check the URL in Options`
    );
  }
  if (status === 413) {
    return new SourcebridgeError('too_large', 'This profile page is too large to send to Sourcebridge');
  }
  if (status === 400 || status === 422) {
    return new SourcebridgeError('unreadable_profile', detail ?? 'Sourcebridge could not read this profile');
  }
  if (status === 429) {
    return new SourcebridgeError('rate_limited', detail ?? 'Too many lookups at once — wait a moment and try again');
  }
  if (status >= 500) {
    return new SourcebridgeError('server_error', `The Sourcebridge backend had a problem (HTTP ${status}) — try again shortly`);
  }
  return new SourcebridgeError('unexpected', detail ?? `Unexpected answer from the Sourcebridge backend (HTTP ${status})`);
}

/**
 * A lookup that succeeded but whose Greenhouse part could not be done: shown with the backend's label.
 * @param {{greenhouse?: {status?: string, label?: string}}} result
 * @returns {{kind: string, message: string} | null}
 */
export function greenhouseNotice(result) {
  const greenhouse = result?.greenhouse;
  if (greenhouse?.status === 'not_connected') {
    return {
      kind: 'greenhouse_not_connected',
      message: greenhouse.label || 'Greenhouse is not connected — ask your Sourcebridge admin to connect it'
    };
  }
  if (greenhouse?.status === 'unavailable') {
    return {
      kind: 'greenhouse_unavailable',
      message: greenhouse.label || 'Greenhouse did not answer — the duplicate check is unavailable right now'
    };
  }
  return null;
}

/** The wire form of any error thrown by a message handler. */
export function toWireError(error) {
  if (error instanceof SourcebridgeError) return { kind: error.kind, message: error.message };
  return { kind: 'internal', message: `Something went wrong in Sourcebridge: ${error?.message ?? error}` };
}
