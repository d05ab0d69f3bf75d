/*
 * The last lookup per tab, so the popup can show it after the worker has been stopped. Kept in
 * chrome.storage.session: it holds personal data (emails), which stays in memory and is gone when
 * the browser closes.
 */

const keyFor = (tabId) => `tab:${tabId}`;

/** @returns {Promise<object | null>} {url, personKey, requestedAt, result | error} */
export async function getTabResult(tabId) {
  const key = keyFor(tabId);
  const stored = await chrome.storage.session.get(key);
  return stored[key] ?? null;
}

/**
 * Stores an entry unless a newer request for the same tab already stored its own: a slow answer
 * for a person the recruiter has already left must not replace the current one.
 */
export async function saveTabResult(tabId, entry) {
  const existing = await getTabResult(tabId);
  if (existing && existing.requestedAt > entry.requestedAt) return false;
  await chrome.storage.session.set({ [keyFor(tabId)]: entry });
  return true;
}

export async function forgetTab(tabId) {
  await chrome.storage.session.remove(keyFor(tabId));
}
