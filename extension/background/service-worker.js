/*
 * Sourcebridge service worker: the only part of the extension that calls the backend (DESIGN
 * decision 2). It keeps no state in memory: options live in chrome.storage.local, the last result
 * per tab in chrome.storage.session, so stopping the worker between messages loses nothing.
 * Listeners are registered synchronously at the top level, as MV3 requires for wake-ups.
 */
import { CONNECTED_PATH, finishConnect } from './connect.js';
import { handlers } from './handlers.js';
import { messageListener } from './messages.js';
import { forgetTab } from './tab-results.js';

chrome.runtime.onMessage.addListener(messageListener(handlers));

chrome.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId);
});

// The "Connect to Sourcebridge" tab reaching /extension/connected (see connect.js).
chrome.tabs.onUpdated.addListener((tabId, changeInfo) => {
  // Every navigation in every tab lands here: only the connect page's return reads storage.
  if (changeInfo.url?.includes(CONNECTED_PATH)) finishConnect(tabId, changeInfo.url).catch(() => {});
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install') chrome.runtime.openOptionsPage();
});
