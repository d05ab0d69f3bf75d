import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { handlers } from '../../background/handlers.js';
import { messageListener } from '../../background/messages.js';
import { addLookupToSequence, describeAdd, listSequences } from '../../background/sequences.js';
import { saveTabResult } from '../../background/tab-results.js';
import { sequenceLabel } from '../../shared/sequence-label.js';
import { fakeFetch, installFakeChrome } from './fake-chrome.js';

const SETTINGS = { backendUrl: 'http://127.0.0.1:5000', apiToken: 'sb_token_1234' };
let chrome;
beforeEach(() => {
  chrome = installFakeChrome();
});
afterEach(() => {
  delete globalThis.fetch;
});

function send(message) {
  return new Promise((resolve) => {
    messageListener(handlers)(message, { id: 'sourcebridge-test-id' }, resolve);
  });
}

const added = (greenhouse) => ({
  contact: { id: 9, email: 'jane@acme.example', greenhouse },
  enrollment: { id: 4, status: 'pending' },
  warnings: []
});

test('the picker shows each sequence with its indicators', async () => {
  const fetchImpl = fakeFetch(200, {
    items: [
      { id: 1, name: 'Backend', status: 'active', indicators: ['Sync Disabled'] },
      { id: 2, name: 'Design', status: 'paused', indicators: ['Custom Sync'] },
      { id: 3, name: 'Plain', status: 'active', indicators: [] }
    ],
    next_cursor: null
  });
  const sequences = await listSequences(SETTINGS, { fetchImpl });
  assert.deepEqual(sequences.map(sequenceLabel), ['Backend · Sync Disabled', 'Design · Custom Sync · Paused', 'Plain']);
  assert.match(fetchImpl.calls[0].url, /\/api\/v1\/sequences\?limit=500$/);
});

test('adding sends the lookup id and says "Added to" the sequence', async () => {
  const fetchImpl = fakeFetch(201, added({ url: null, error: null }));
  const outcome = await addLookupToSequence(SETTINGS, { sequenceId: 3, lookupId: 77, sequenceName: 'Plain' }, { fetchImpl });
  assert.equal(fetchImpl.calls[0].url, 'http://127.0.0.1:5000/api/v1/sequences/3/contacts');
  assert.deepEqual(JSON.parse(fetchImpl.calls[0].init.body), { lookup_id: 77 });
  assert.deepEqual(outcome, { outcome: 'added', message: 'Added to Plain.', greenhouseUrl: null, warnings: [] });
});

test('someone already in Greenhouse is added and marked "Exists in Greenhouse" with the link', () => {
  const outcome = describeAdd({ body: added({ url: 'https://app.greenhouse.io/people/5', error: 'Exists in Greenhouse' }) }, 'Plain');
  assert.equal(outcome.outcome, 'exists_in_greenhouse');
  assert.equal(outcome.message, 'Added to Plain. Exists in Greenhouse');
  assert.equal(outcome.greenhouseUrl, 'https://app.greenhouse.io/people/5');
});

test('"Exists in Greenhouse" is said once, other warnings still shown', () => {
  const body = { ...added({ url: 'https://app.greenhouse.io/people/5', error: 'Exists in Greenhouse' }), warnings: ['Exists in Greenhouse', 'the sequence has no mailbox to send from'] };
  const outcome = describeAdd({ body }, 'Plain');
  assert.deepEqual(outcome.warnings, ['the sequence has no mailbox to send from']);
});

// As the backend answers: a field's error repeats the message under `errors`, without the field name.
const refusal = (code, status, message, reason) => {
  const [field, rest] = message.includes(': ') ? [message.split(': ')[0], message.slice(message.indexOf(': ') + 2)] : [null, message];
  const errors = field && /^[a-z_]+$/.test(field) ? { errors: { [field]: [rest] } } : {};
  return fakeFetch(code, { code, status, message, ...errors, ...(reason && { reason }) });
};
const addWith = (fetchImpl) => addLookupToSequence(SETTINGS, { sequenceId: 1, lookupId: 7, sequenceName: 'X' }, { fetchImpl });

test('a refusal is read from the backend\'s reason: already enrolled and suppressed, with its words', async () => {
  const already = await addWith(refusal(409, 'Conflict', 'email: already active in a sequence of the team', 'already_enrolled'));
  assert.equal(already.outcome, 'already_in_sequence');
  assert.equal(already.message, 'Already in a sequence: already active in a sequence of the team');
  const suppressed = await addWith(refusal(422, 'Unprocessable Entity', 'email: jane@acme.example is suppressed: unsubscribed', 'suppressed'));
  assert.equal(suppressed.outcome, 'suppressed');
  assert.equal(suppressed.message, 'Not added: jane@acme.example is suppressed: unsubscribed');
});

test('the reason decides, not the message\'s words', async () => {
  const reworded = await addWith(refusal(422, 'Unprocessable Entity', 'Jane asked not to be emailed', 'suppressed'));
  assert.equal(reworded.outcome, 'suppressed');
  const noEmail = await addWith(refusal(422, 'Unprocessable Entity', 'email: no address; a blocked mailbox?', 'no_email'));
  assert.equal(noEmail.outcome, 'refused');
  assert.equal(noEmail.message, 'Not added: no address; a blocked mailbox?');
});

test('a backend without reasons still gets "Already in a sequence" for its 409, any 422 is refused', async () => {
  const already = await addWith(refusal(409, 'Conflict', 'email: already active in a sequence of the team'));
  assert.equal(already.outcome, 'already_in_sequence');
  const suppressed = await addWith(refusal(422, 'Unprocessable Entity', 'email: jane@acme.example is suppressed: unsubscribed'));
  assert.equal(suppressed.outcome, 'refused');
  assert.equal(suppressed.message, 'Not added: jane@acme.example is suppressed: unsubscribed');
});

test('a message is shown whole when the backend names no field for it', async () => {
  const odd = await addWith(fakeFetch(422, { code: 422, status: 'Unprocessable Entity', message: 'Note: the sequence is archived' }));
  assert.equal(odd.message, 'Not added: Note: the sequence is archived');
});

test('a backend that is down is an error, not an outcome', async () => {
  const down = async () => {
    throw new TypeError('Failed to fetch');
  };
  await assert.rejects(
    addLookupToSequence(SETTINGS, { sequenceId: 1, lookupId: 7, sequenceName: 'X' }, { fetchImpl: down }),
    /Can't reach the Sourcebridge backend/
  );
});

test('after adding, the tab result is refreshed so the popup shows the sequence and status', async () => {
  await chrome.storage.local.set(SETTINGS);
  await saveTabResult(5, { url: 'u', personKey: 'k', requestedAt: 1, result: { id: 77, contact: null } });
  const answers = [
    { status: 201, body: added({ url: 'https://gh.example/people/1', error: null }) },
    { status: 200, body: { id: 77, contact: { id: 9, sequences: [{ id: 3, name: 'Plain', status: 'pending' }], greenhouse: {} } } }
  ];
  const urls = [];
  globalThis.fetch = async (url) => {
    urls.push(url);
    const { status, body } = answers.shift();
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  const reply = await send({ addToSequence: { tabId: 5, sequenceId: 3, sequenceName: 'Plain' } });
  assert.equal(reply.result.outcome, 'added');
  assert.deepEqual(urls, ['http://127.0.0.1:5000/api/v1/sequences/3/contacts', 'http://127.0.0.1:5000/api/v1/lookups/77']);
  const stored = await chrome.storage.session.get('tab:5');
  assert.deepEqual(stored['tab:5'].result.contact.sequences, [{ id: 3, name: 'Plain', status: 'pending' }]);
});

test('adding without a lookup in the tab says to look the profile up first', async () => {
  await chrome.storage.local.set(SETTINGS);
  const reply = await send({ addToSequence: { tabId: 6, sequenceId: 3, sequenceName: 'Plain' } });
  assert.deepEqual(reply.error, { kind: 'no_lookup', message: 'Look the profile up first' });
});
