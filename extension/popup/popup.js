/*
 * The popup: the result of the last lookup in the current tab, read from the service worker (which
 * keeps it in session storage), refreshed when a new result is stored while the popup is open.
 * `popup.html?tabId=N` shows tab N (used when the popup is opened in a tab, e.g. by the e2e tests).
 */
import { sequenceLabel } from '../background/sequences.js';

const { renderResult, renderError, isHttpUrl } = globalThis.sourcebridge.resultView;
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

const STATUS_WORDS = Object.freeze({
  pending: 'Starting',
  active: 'Active',
  waiting_task: 'Waiting on a task',
  paused: 'Paused',
  finished: 'Finished'
});

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

function greenhouseLink(url, text = 'Open in Greenhouse') {
  if (!isHttpUrl(url)) return null;
  const link = el('a', 'sb-gh-link', text);
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener';
  return link;
}

/** For someone already added: their sequence(s), status and Greenhouse link. */
function renderMembership(contact) {
  const section = el('section', 'sb-sequences');
  section.setAttribute('aria-label', 'Sequences');
  const list = el('ul', 'sb-membership');
  for (const sequence of contact.sequences) {
    const words = STATUS_WORDS[sequence.status] ?? sequence.status;
    list.append(el('li', 'sb-in-sequence', `In sequence: ${sequence.name} — ${words}`));
  }
  section.append(list);
  const greenhouse = contact.greenhouse ?? {};
  if (greenhouse.error) section.append(el('p', 'sb-gh-error', greenhouse.error));
  const link = greenhouseLink(greenhouse.url);
  if (link) section.append(link);
  return section;
}

function renderOutcome(box, outcome) {
  box.replaceChildren();
  box.dataset.outcome = outcome.outcome;
  box.append(el('span', 'sb-outcome-text', outcome.message));
  const link = greenhouseLink(outcome.greenhouseUrl, outcome.outcome === 'exists_in_greenhouse' ? 'Open the Greenhouse record' : 'Open in Greenhouse');
  if (link) box.append(' ', link);
  for (const warning of outcome.warnings ?? []) box.append(el('span', 'sb-warning', warning));
}

/** "Add to sequence": a picker showing each sequence's indicators, and the result in words. */
function renderAddForm(tabId) {
  const form = el('form', 'sb-add');
  const label = el('label', null, 'Add to sequence');
  label.htmlFor = 'sequence';
  const select = el('select');
  select.id = 'sequence';
  select.append(el('option', null, 'Loading sequences…'));
  select.disabled = true;
  const button = el('button', null, 'Add to sequence');
  button.type = 'submit';
  button.disabled = true;
  const result = el('p', 'sb-outcome');
  result.setAttribute('role', 'status');
  form.append(label, select, button, result);

  ask({ listSequences: {} }).then(
    (sequences) => {
      select.replaceChildren();
      if (!sequences.length) {
        select.append(el('option', null, 'No sequences yet: make one in Sourcebridge'));
        return;
      }
      for (const sequence of sequences) {
        const option = el('option', null, sequenceLabel(sequence));
        option.value = String(sequence.id);
        option.dataset.name = sequence.name;
        select.append(option);
      }
      select.disabled = false;
      button.disabled = false;
    },
    (error) => {
      select.replaceChildren(el('option', null, 'Sequences unavailable'));
      result.textContent = error.message;
    }
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const option = select.selectedOptions[0];
    button.disabled = true;
    result.textContent = 'Adding…';
    try {
      const outcome = await ask({
        addToSequence: { tabId, sequenceId: Number(option.value), sequenceName: option.dataset.name }
      });
      renderOutcome(result, outcome);
    } catch (error) {
      result.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

async function render(tabId) {
  let view;
  try {
    const entry = tabId === undefined ? null : await ask({ getTabResult: { tabId } });
    if (!entry) view = hint('Open a LinkedIn profile (Recruiter, Sales Navigator or linkedin.com/in/) to look it up.');
    else if (entry.error) view = renderError(document, entry.error);
    else {
      view = renderResult(document, entry.result, { variant: 'popup', onCopy: copyAddress });
      const contact = entry.result.contact;
      const keepOutcome = content.querySelector('.sb-outcome[data-outcome]');
      if (contact?.sequences?.length) view.append(renderMembership(contact));
      else if (Number.isInteger(entry.result.id)) view.append(renderAddForm(tabId));
      if (keepOutcome) view.append(keepOutcome); // the words of the add that just happened stay
    }
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
