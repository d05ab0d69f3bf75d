import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { forgetTab, getTabResult, saveTabResult } from '../../background/tab-results.js';
import { installFakeChrome } from './fake-chrome.js';
import { sleep } from './helpers.js';

let session;
beforeEach(() => {
  session = installFakeChrome().storage.session;
});

/** Storage whose first write takes `ms` to land and whose next ones are at once: answers out of order. */
function slowFirstWrite(area, ms) {
  const set = area.set.bind(area);
  let writes = 0;
  area.set = async (values) => {
    if (writes++ === 0) await sleep(ms);
    return set(values);
  };
}

const entry = (requestedAt, name) => ({ url: 'u', personKey: name, requestedAt, result: { id: requestedAt, name } });

test('a save whose write is slow never lands over the save made after it', async () => {
  slowFirstWrite(session, 30);
  const first = saveTabResult(5, entry(1, 'Ada'));
  const second = saveTabResult(5, entry(2, 'Grace'));
  assert.deepEqual(await Promise.all([first, second]), [true, true]);
  assert.equal((await getTabResult(5)).personKey, 'Grace');
});

test('with the same request time (the refresh after Add to sequence) the later save wins', async () => {
  slowFirstWrite(session, 30);
  const lookup = saveTabResult(5, entry(1, 'Ada'));
  const refreshed = saveTabResult(5, { ...entry(1, 'Ada'), result: { id: 1, contact: { id: 9 } } });
  await Promise.all([lookup, refreshed]);
  assert.deepEqual((await getTabResult(5)).result.contact, { id: 9 });
});

test('an older request saved after a newer one is refused', async () => {
  assert.equal(await saveTabResult(5, entry(2, 'Grace')), true);
  assert.equal(await saveTabResult(5, entry(1, 'Ada')), false);
  assert.equal((await getTabResult(5)).personKey, 'Grace');
});

test('a read waits for the tab\'s save in flight; other tabs do not wait', async () => {
  slowFirstWrite(session, 30);
  let saved = false;
  const saving = saveTabResult(5, entry(1, 'Ada')).then(() => (saved = true));
  assert.equal(await getTabResult(6), null);
  assert.equal(saved, false, 'tab 6 was read without waiting for tab 5');
  assert.equal((await getTabResult(5)).personKey, 'Ada');
  assert.equal(saved, true);
  await saving;
});

test('a closed tab stays forgotten even when its save was still in flight', async () => {
  slowFirstWrite(session, 30);
  const saving = saveTabResult(5, entry(1, 'Ada'));
  await forgetTab(5);
  await saving;
  assert.equal(session.data.has('tab:5'), false);
});

test('a failed save is reported to its caller and does not stop the next', async () => {
  const set = session.set.bind(session);
  let writes = 0;
  session.set = async (values) => {
    if (writes++ === 0) throw new Error('quota exceeded');
    return set(values);
  };
  const failed = saveTabResult(5, entry(1, 'Ada'));
  const next = saveTabResult(5, entry(2, 'Grace'));
  await assert.rejects(failed, /quota exceeded/);
  assert.equal(await next, true);
  assert.equal((await getTabResult(5)).personKey, 'Grace');
});
