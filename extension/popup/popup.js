/*
 * The popup: the result of the last lookup in the current tab, read from the service worker (which
 * keeps it in session storage), refreshed when a new result is stored while the popup is open.
 * `popup.html?tabId=N` shows tab N (used when the popup is opened in a tab, e.g. by the e2e tests).
 */
const { renderResult, renderError } = globalThis.sourcebridge.resultView;
const content = document.getElementById('content');

/** The tab whose result to show: ?tabId=N, else the active tab if it is on LinkedIn. */
async function currentTabId() {
  const requested = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(requested) && requested > 0) return requested;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  // tab.url is only visible for hosts the extension may access; a result for a tab that has
  // since left LinkedIn is not shown.
  return tab?.url?.startsWith('https://www.linkedin.com/') ? tab.id : undefined;
}

function hint(text) {
  const p = document.createElement('p');
  p.className = 'sb-hint';
  p.textContent = text;
  return p;
}

async function copyAddress(address, button) {
  try {
    await navigator.clipboard.writeText(address);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
}

async function ask(message) {
  const reply = await chrome.runtime.sendMessage(message);
  if (reply?.error) throw reply.error;
  return reply?.result ?? null;
}

async function render(tabId) {
  let view;
  try {
    const entry = tabId === undefined ? null : await ask({ getTabResult: { tabId } });
    if (!entry) view = hint('Open a LinkedIn profile (Recruiter, Sales Navigator or linkedin.com/in/) to look it up.');
    else if (entry.error) view = renderError(document, entry.error);
    else view = renderResult(document, entry.result, { variant: 'popup', onCopy: copyAddress });
  } catch (error) {
    view = renderError(document, error);
  }
  content.replaceChildren(view);
}

document.getElementById('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());

const tabId = await currentTabId();
await render(tabId);
chrome.storage.session.onChanged.addListener((changes) => {
  if (Object.hasOwn(changes, `tab:${tabId}`)) render(tabId);
});
