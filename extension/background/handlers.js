/* The messages the service worker answers, by name. Each handler reads what it needs from storage. */
import { getLookup, getMe, postLookup, requireSettings } from './backend.js';
import { startConnect } from './connect.js';
import { addLookupToSequence, listSequences } from './sequences.js';
import { SourcebridgeError, greenhouseNotice, toWireError } from './errors.js';
import { getTabResult, saveTabResult } from './tab-results.js';

/**
 * From the content script: look up the profile on screen and remember the answer for the tab.
 * @param {{encoding: 'gzip' | 'identity', body: string, personKey: string, requestedAt: number}} request
 */
async function lookupProfile(request, sender) {
  const tabId = sender.tab?.id;
  const entry = { url: sender.tab?.url ?? sender.url ?? '', personKey: request.personKey, requestedAt: request.requestedAt };
  try {
    const settings = await requireSettings();
    const result = await postLookup(settings, request);
    const notice = greenhouseNotice(result);
    if (notice && result.greenhouse && !result.greenhouse.label) result.greenhouse.label = notice.message;
    if (tabId !== undefined) await saveTabResult(tabId, { ...entry, result });
    return result;
  } catch (error) {
    if (tabId !== undefined) await saveTabResult(tabId, { ...entry, error: toWireError(error) });
    throw error;
  }
}

/** From the popup: the last lookup in a tab, or null. */
function getTabResultHandler({ tabId }) {
  return getTabResult(tabId);
}

/** From the options page: whom the saved token belongs to. */
async function testConnection() {
  const me = await getMe(await requireSettings());
  const account = me.account && typeof me.account === 'object' ? me.account.name ?? me.account.id : me.account;
  return { email: me.email ?? null, account: account ?? null };
}

/** From the popup: the team's sequences for the picker. */
async function listSequencesHandler() {
  return listSequences(await requireSettings());
}

/** Outcomes after which the person is in a sequence: the tab's lookup is read again. */
const CHANGES_THE_CONTACT = new Set(['added', 'exists_in_greenhouse', 'already_in_sequence']);

/**
 * From the popup: add the person of the tab's last lookup to a sequence, then refresh that lookup
 * so the popup shows the person's sequence, status and Greenhouse link.
 */
async function addToSequence({ tabId, sequenceId, sequenceName }) {
  const settings = await requireSettings();
  const entry = await getTabResult(tabId);
  const lookupId = entry?.result?.id;
  if (!Number.isInteger(lookupId)) throw new SourcebridgeError('no_lookup', 'Look the profile up first');
  const outcome = await addLookupToSequence(settings, { sequenceId, lookupId, sequenceName });
  if (!CHANGES_THE_CONTACT.has(outcome.outcome)) return outcome; // a refusal changed nothing
  try {
    const fresh = await getLookup(settings, lookupId);
    await saveTabResult(tabId, { ...entry, result: { ...entry.result, contact: fresh.contact ?? null } });
  } catch {
    // The outcome stands; the popup shows the older lookup until the page is looked up again.
  }
  return outcome;
}

function openOptions() {
  return chrome.runtime.openOptionsPage();
}

export const handlers = Object.freeze({
  lookupProfile,
  getTabResult: getTabResultHandler,
  testConnection,
  openOptions,
  startConnect,
  listSequences: listSequencesHandler,
  addToSequence
});
