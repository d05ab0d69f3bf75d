/*
 * The popup: the result of the last lookup in the current tab, read from the service worker (which
 * keeps it in session storage), refreshed when a new result is stored while the popup is open.
 * `popup.html?tabId=N` shows tab N (used when the popup is opened in a tab, e.g. by the e2e tests).
 */
import { sequenceLabel } from '../shared/sequence-label.js';

const resultView = globalThis.sourcebridge.resultView;
const { renderResult, renderError } = resultView;
const el = (tag, className, text) => resultView.el(document, tag, className, text);
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

const hint = (text) => el('p', 'sb-hint', text);

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

function greenhouseLink(url, text = 'Open in Greenhouse') {
  return resultView.safeLink(document, url, 'sb-gh-link', text);
}

/** What the last "Add to sequence" in this popup did, shown until the popup closes. */
let shownOutcome = null;

/**
 * For someone already added: their sequence(s), status and Greenhouse link. `greenhouseSaid`:
 * the outcome of the add just made already says where they are in Greenhouse.
 */
function renderMembership(contact, { greenhouseSaid = false } = {}) {
  const section = el('section', 'sb-sequences');
  section.setAttribute('aria-label', 'Sequences');
  const list = el('ul', 'sb-membership');
  for (const sequence of contact.sequences) {
    const words = STATUS_WORDS[sequence.status] ?? sequence.status;
    list.append(el('li', 'sb-in-sequence', `In sequence: ${sequence.name} — ${words}`));
  }
  section.append(list);
  if (greenhouseSaid) return section;
  const greenhouse = contact.greenhouse ?? {};
  if (greenhouse.error) section.append(el('p', 'sb-gh-error', greenhouse.error));
  const link = greenhouseLink(greenhouse.url);
  if (link) section.append(link);
  return section;
}

function outcomeBox() {
  const box = el('p', 'sb-outcome');
  box.setAttribute('role', 'status');
  return box;
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
  const result = outcomeBox();
  if (shownOutcome) renderOutcome(result, shownOutcome); // a refusal: the form stays, with why
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
      shownOutcome = await ask({
        addToSequence: { tabId, sequenceId: Number(option.value), sequenceName: option.dataset.name }
      });
      // The worker stored the refreshed lookup before answering: draw the whole view again.
      await render(tabId);
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
      if (contact?.sequences?.length) {
        view.append(renderMembership(contact, { greenhouseSaid: Boolean(shownOutcome?.greenhouseUrl) }));
        if (shownOutcome) {
          const box = outcomeBox();
          renderOutcome(box, shownOutcome); // the words of the add that just happened stay
          view.append(box);
        }
      } else if (Number.isInteger(entry.result.id)) view.append(renderAddForm(tabId));
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
