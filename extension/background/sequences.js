/*
 * "Add to sequence" from the popup: the team's sequences (with their Sync Disabled / Custom Sync
 * indicators) and adding the person of a lookup, with the outcome in words.
 */
import { callBackend } from './backend.js';
import { SourcebridgeError } from './errors.js';

/** Milliseconds for listing sequences or adding a person (a database write and a Greenhouse check). */
export const SEQUENCE_TIMEOUT_MS = 15000;
/** Sequences offered in the picker at most (the API's page size cap). */
export const SEQUENCE_LIST_LIMIT = 500;

/** @returns {Promise<{id: number, name: string, status: string, indicators: string[]}[]>} */
export async function listSequences(settings, options = {}) {
  const answer = await callBackend(settings, `/api/v1/sequences?limit=${SEQUENCE_LIST_LIMIT}`, {
    ...options,
    timeoutMs: SEQUENCE_TIMEOUT_MS
  });
  const items = Array.isArray(answer?.items) ? answer.items : [];
  return items
    .filter((item) => Number.isInteger(item?.id) && typeof item?.name === 'string')
    .map((item) => ({
      id: item.id,
      name: item.name,
      status: typeof item.status === 'string' ? item.status : 'active',
      indicators: Array.isArray(item.indicators) ? item.indicators.filter((w) => typeof w === 'string') : []
    }));
}

/** The backend's `reason` for a refusal → the outcome shown; any other reason is "refused". */
const REFUSAL_OUTCOMES = Object.freeze({ already_enrolled: 'already_in_sequence', suppressed: 'suppressed' });

/**
 * What a refusal means. A backend from before `reason` existed sends none: its 409 still means
 * "already in a sequence" (the only conflict this endpoint has); anything else is "refused".
 */
function refusalOutcome(error) {
  if (error.reason) return REFUSAL_OUTCOMES[error.reason] ?? 'refused';
  return error.status === 409 ? 'already_in_sequence' : 'refused';
}

/**
 * The message without the field name the backend writes first for a form ("email: jane@… is
 * suppressed" → "jane@… is suppressed"): a recruiter in the popup filled in no field.
 */
function withoutFieldName(error) {
  const field = (error.fields ?? []).find((name) => error.message.startsWith(`${name}: `));
  return field ? error.message.slice(field.length + 2) : error.message;
}

/**
 * What adding a person did, in words: added (maybe "Exists in Greenhouse" with its link), already
 * in a sequence, suppressed, or refused for another reason.
 * @param {{body?: any, error?: SourcebridgeError & {status?: number, reason?: string | null, fields?: string[]}}} answer
 * @returns {{outcome: 'added' | 'exists_in_greenhouse' | 'already_in_sequence' | 'suppressed' | 'refused',
 *            message: string, greenhouseUrl: string | null, warnings: string[]}}
 */
export function describeAdd({ body, error }, sequenceName) {
  if (error) {
    const outcome = refusalOutcome(error);
    const words = outcome === 'already_in_sequence' ? 'Already in a sequence' : 'Not added';
    return { outcome, message: `${words}: ${withoutFieldName(error)}`, greenhouseUrl: null, warnings: [] };
  }
  const greenhouse = body?.contact?.greenhouse ?? {};
  const url = typeof greenhouse.url === 'string' ? greenhouse.url : null;
  const warnings = Array.isArray(body?.warnings) ? body.warnings.filter((w) => typeof w === 'string') : [];
  if (greenhouse.error === 'Exists in Greenhouse') {
    // The message says it already; the same words again as a warning only repeat it.
    const others = warnings.filter((w) => w !== greenhouse.error);
    return { outcome: 'exists_in_greenhouse', message: `Added to ${sequenceName}. Exists in Greenhouse`, greenhouseUrl: url, warnings: others };
  }
  return { outcome: 'added', message: `Added to ${sequenceName}.`, greenhouseUrl: url, warnings };
}

/**
 * POST /api/v1/sequences/{id}/contacts {lookup_id}; a refusal (409, 422) is an outcome, not a throw.
 * Other failures (backend down, bad token) throw as usual.
 */
export async function addLookupToSequence(settings, { sequenceId, lookupId, sequenceName }, options = {}) {
  try {
    const body = await callBackend(settings, `/api/v1/sequences/${Number(sequenceId)}/contacts`, {
      ...options,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lookup_id: lookupId }),
      timeoutMs: SEQUENCE_TIMEOUT_MS
    });
    return describeAdd({ body }, sequenceName);
  } catch (error) {
    if (error instanceof SourcebridgeError && (error.status === 409 || error.status === 422)) {
      return describeAdd({ error }, sequenceName);
    }
    throw error;
  }
}
