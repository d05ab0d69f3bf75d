/*
 * The last lookup per tab, so the popup can show it after the worker has been stopped. Kept in
 * chrome.storage.session: it holds personal data (emails), which stays in memory and is gone when
 * the browser closes.
 */

const keyFor = (tabId) => `tab:${tabId}`;

/**
 * Per tab, the tail of its storage work in flight. A save reads the stored entry, then writes:
 * two saves interleaving could let the earlier one land over the later, so each tab's reads,
 * saves and removal run one after another. Only work in flight is held, never data: a stopped
 * worker has none, so nothing is lost (the worker still keeps its state in storage).
 */
const inFlight = new Map();

/** Runs `work` after the tab's earlier work has finished (failed or not); resolves with its result. */
function inLine(tabId, work) {
  const done = (inFlight.get(tabId) ?? Promise.resolve()).then(work);
  const tail = done.then(
    () => {},
    () => {} // a failed save must not stop the ones after it; its caller sees the error
  );
  inFlight.set(tabId, tail);
  tail.then(() => {
    if (inFlight.get(tabId) === tail) inFlight.delete(tabId);
  });
  return done;
}

async function read(tabId) {
  const key = keyFor(tabId);
  const stored = await chrome.storage.session.get(key);
  return stored[key] ?? null;
}

/** @returns {Promise<object | null>} {url, personKey, requestedAt, result | error}, after the tab's saves in flight */
export function getTabResult(tabId) {
  return inLine(tabId, () => read(tabId));
}

/**
 * Stores an entry unless a newer request for the same tab already stored its own: a slow answer
 * for a person the recruiter has already left must not replace the current one.
 * @returns {Promise<boolean>} whether it was stored
 */
export function saveTabResult(tabId, entry) {
  return inLine(tabId, async () => {
    const existing = await read(tabId);
    if (existing && existing.requestedAt > entry.requestedAt) return false;
    await chrome.storage.session.set({ [keyFor(tabId)]: entry });
    return true;
  });
}

/** Forgets a closed tab, after its saves in flight (which would otherwise bring it back). */
export function forgetTab(tabId) {
  return inLine(tabId, () => chrome.storage.session.remove(keyFor(tabId)));
}
