import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './database.ts';
import { TransactionsRepo, type NewTransaction } from './transactions-repo.ts';
import { tempDir } from '../testing/temp-dir.ts';

const started = (stationId: string, evseId: number): NewTransaction => ({
  stationId, evseId, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null, reservationId: null,
  startedAt: '2026-11-25T08:00:00.000Z', meterStartWh: 0, startKey: null, offline: false, chargingState: null, seqNo: null,
});
const ended = (id: number) => ({ id, endedAt: '2026-11-25T09:00:00.000Z', meterStopWh: 10, energyWh: 10, stopReason: null, endedBy: 'station', stopIdToken: null });

describe('running sessions by EVSE (looked up for every meter value without a transaction id)', () => {
  it('follows every start, stop and move of a session, also one written in a transaction that is rolled back', () => {
    const db = openDatabase(tempDir('ampyard-active-'));
    const repo = new TransactionsRepo(db);
    const onEvse = (station: string, evse: number) => [...repo.activeIdsOnEvse(station, evse)];

    assert.deepEqual(onEvse('S1', 1), [], 'none yet (and remembered as none)');
    const first = repo.insert(started('S1', 1));
    assert.deepEqual(onEvse('S1', 1), [first], 'a start is seen after "none" was read');
    const second = repo.insert(started('S1', 1));
    assert.deepEqual(onEvse('S1', 1), [first, second], 'oldest first');
    assert.deepEqual(onEvse('S1', 2), []);
    assert.deepEqual(onEvse('S2', 1), []);

    repo.end(ended(first));
    assert.deepEqual(onEvse('S1', 1), [second], 'a stop is seen');
    repo.update({ id: second, evseId: 2 });
    assert.deepEqual(onEvse('S1', 1), [], 'a move leaves the old EVSE');
    assert.deepEqual(onEvse('S1', 2), [second], 'and reaches the new one');
    repo.update({ id: second, idToken: 'TAG' });
    assert.deepEqual(repo.activeOnEvse('S1', 2).map((tx) => [tx.id, tx.idToken]), [[second, 'TAG']], 'whole sessions, as they are now');

    // Read inside a transaction that is then rolled back: neither its view nor its write stays behind.
    assert.throws(() => db.transaction(() => {
      repo.insert(started('S2', 1));
      assert.equal(onEvse('S2', 1).length, 1, 'the transaction sees its own start');
      throw new Error('rolled back');
    })());
    assert.deepEqual(onEvse('S2', 1), [], 'the rolled-back start is gone');

    // Another process (a restart) reads the same from the file.
    const again = new TransactionsRepo(db);
    assert.deepEqual([...again.activeIdsOnEvse('S1', 2)], [second]);
    assert.deepEqual([...again.activeIdsOnEvse('S1', 1)], []);
    db.close();
  });
});
