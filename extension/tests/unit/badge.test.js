import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureShadowRoots, loadPage, shadowOf } from './helpers.js';

const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

function lookupResult(overrides = {}) {
  return {
    id: 7,
    profile: { source: 'recruiter', full_name: 'Jane Doe' },
    email: {
      address: 'jane.doe@acme.example',
      confidence: 'probable',
      domain: 'acme.example',
      alternatives: [{ address: 'jdoe@acme.example', confidence: 'possible', score: 0.4 }]
    },
    greenhouse: {
      status: 'duplicate',
      label: 'Duplicate found in Greenhouse',
      matches: [
        { candidate_id: 101, url: 'https://app.greenhouse.io/people/101', name: 'Jane Doe', matched_on: ['email', 'linkedin_url'] }
      ]
    },
    contact: null,
    ...overrides
  };
}

function showBadge(result) {
  const page = loadPage('<body><main></main></body>', { before: captureShadowRoots });
  const badge = page.sb.badge.createBadge(page.document);
  badge.showResult('recruiter:AEMAAA1', result);
  return { ...page, badge, shadow: shadowOf(page.window, badge.host) };
}

test('the badge content is out of reach of the page: its shadow root is closed', () => {
  const { badge, shadow } = showBadge(lookupResult());
  assert.equal(badge.host.shadowRoot, null);
  assert.equal(shadow.mode, 'closed');
  assert.ok(!badge.host.outerHTML.includes('jane.doe@acme.example'));
});

const parsed = (document) =>
  new Promise((resolve) => {
    if (document.readyState !== 'loading') resolve();
    else document.addEventListener('DOMContentLoaded', resolve, { once: true });
  });

test('the badge is attached after the page\'s own HTML, once that is parsed (the script runs at document_start)', async () => {
  const { document, badge } = showBadge(lookupResult());
  assert.equal(document.readyState, 'loading');
  assert.equal(badge.host.isConnected, false);
  await parsed(document);
  assert.equal(badge.host.parentNode, document.documentElement);
  assert.equal(document.documentElement.lastElementChild, badge.host);
});

test('the badge shows the email, its confidence, the Greenhouse label verbatim and each match as a safe link', async () => {
  const { document, badge, shadow } = showBadge(lookupResult());
  await parsed(document);
  assert.equal(badge.host.parentNode, document.documentElement);
  assert.equal(badge.host.dataset.state, 'result');
  assert.equal(badge.host.dataset.person, 'recruiter:AEMAAA1');
  assert.equal(shadow.querySelector('.sb-address').textContent, 'jane.doe@acme.example');
  assert.equal(shadow.querySelector('.sb-confidence').textContent, 'probable');
  assert.equal(shadow.querySelector('.sb-label').textContent, 'Duplicate found in Greenhouse');
  const link = shadow.querySelector('.sb-match a');
  assert.equal(link.getAttribute('href'), 'https://app.greenhouse.io/people/101');
  assert.equal(link.target, '_blank');
  assert.equal(link.rel, 'noopener');
  assert.equal(link.textContent, 'Jane Doe');
  assert.equal(shadow.querySelector('.sb-matched-on').textContent, 'matched on email, linkedin url');
});

test('hostile text from the backend is shown as text and never becomes markup', () => {
  const { window, shadow } = showBadge(lookupResult({
    email: { address: HOSTILE, confidence: `x" onmouseover="window.pwned=3`, alternatives: [] },
    greenhouse: {
      status: 'duplicate',
      label: HOSTILE,
      matches: [{ candidate_id: 1, url: 'https://app.greenhouse.io/people/1', name: HOSTILE, matched_on: [HOSTILE] }]
    }
  }));
  assert.equal(shadow.querySelector('.sb-label').textContent, HOSTILE);
  assert.equal(shadow.querySelector('.sb-address').textContent, HOSTILE);
  assert.equal(shadow.querySelector('.sb-match a').textContent, HOSTILE);
  assert.equal(shadow.querySelectorAll('img, script').length, 0);
  assert.equal(shadow.querySelectorAll('[onerror], [onmouseover]').length, 0);
  assert.equal(window.pwned, undefined);
});

test('only http(s) match URLs become links', () => {
  const urls = ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'JaVaScRiPt:alert(1)', '//evil.example/x', '', null];
  const matches = urls.map((url, index) => ({ candidate_id: index + 1, url, name: `Candidate ${index}`, matched_on: ['email'] }));
  matches.push({ candidate_id: 99, url: 'http://greenhouse.local/people/99', name: 'Plain http', matched_on: ['email'] });
  const { shadow } = showBadge(lookupResult({ greenhouse: { status: 'duplicate', label: 'Duplicate found in Greenhouse', matches } }));
  const links = [...shadow.querySelectorAll('a')];
  assert.deepEqual(links.map((a) => a.getAttribute('href')), ['http://greenhouse.local/people/99']);
  assert.equal(shadow.querySelectorAll('.sb-match-name').length, urls.length);
});

test('no duplicates, no email: the label is shown and no links', () => {
  const { shadow } = showBadge(lookupResult({
    email: { address: null, confidence: 'unknown', domain: null, alternatives: [] },
    greenhouse: { status: 'no_duplicates', label: 'No duplicates found in Greenhouse', matches: [] }
  }));
  assert.equal(shadow.querySelector('.sb-address').textContent, 'No email found');
  assert.equal(shadow.querySelector('.sb-confidence'), null);
  assert.equal(shadow.querySelector('.sb-label').textContent, 'No duplicates found in Greenhouse');
  assert.equal(shadow.querySelector('.sb-greenhouse').dataset.status, 'no_duplicates');
  assert.equal(shadow.querySelectorAll('a').length, 0);
});

test('errors are shown with their message as text, and hide clears the state', () => {
  const page = loadPage('<body></body>', { before: captureShadowRoots });
  const badge = page.sb.badge.createBadge(page.document);
  badge.showError('linkedin:x', { kind: 'unauthorized', message: HOSTILE });
  const shadow = shadowOf(page.window, badge.host);
  const error = shadow.querySelector('.sb-error');
  assert.equal(error.textContent, HOSTILE);
  assert.equal(error.dataset.kind, 'unauthorized');
  assert.equal(shadow.querySelectorAll('img, script').length, 0);
  badge.hide();
  assert.equal(badge.host.hidden, true);
  assert.equal(badge.host.dataset.state, 'hidden');
});

test('the popup variant adds the name, the alternatives and a copy button that copies the address', () => {
  const { sb, document } = loadPage('<body></body>');
  const copied = [];
  const view = sb.resultView.renderResult(document, lookupResult(), {
    variant: 'popup',
    onCopy: (address) => copied.push(address)
  });
  assert.equal(view.querySelector('.sb-name').textContent, 'Jane Doe');
  assert.deepEqual([...view.querySelectorAll('.sb-alternative .sb-address')].map((n) => n.textContent), ['jdoe@acme.example']);
  view.querySelector('.sb-copy').click();
  assert.deepEqual(copied, ['jane.doe@acme.example']);
});
