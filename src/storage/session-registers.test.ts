import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionEnergy, summariseRegister, type MeterSample } from '../domain/meter.ts';
import { prng } from '../testing/prng.ts';
import { openDatabase } from './database.ts';
import { TransactionsRepo } from './transactions-repo.ts';
import { tempDir } from '../testing/temp-dir.ts';

const START = Date.UTC(2026, 10, 24, 8, 0, 0);
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const reading = (seconds: number, value: number | null, extra: Partial<MeterSample> = {}): MeterSample => ({
  timestamp: at(seconds), measurand: 'Energy.Active.Import.Register', phase: null, location: null, context: null, unit: 'Wh', value,
  rawValue: String(value), rawUnit: null, signedData: null, ...extra,
});

/** The energy over register readings in time order, written out plainly: the sum of the increases, a drop counting as a reset to 0. */
function energyBetween(readings: number[]): number {
  let total = 0;
  for (let i = 1; i < readings.length; i++) {
    const delta = readings[i]! - readings[i - 1]!;
    total += delta >= 0 ? delta : readings[i]!;
  }
  return total;
}

describe("a session's energy register, summarised as its readings are stored", () => {
  it('gives the energy over start, readings and stop (as written out plainly), with any of them missing', () => {
    const next = prng(7).next;
    for (let round = 0; round < 2000; round++) {
      const readings = Array.from({ length: Math.floor(next() * 6) }, () => Math.round(next() * 1000));
      const startWh = next() < 0.2 ? null : Math.round(next() * 1000);
      const stopWh = next() < 0.2 ? null : Math.round(next() * 1000);
      const all = [startWh, ...readings, stopWh].filter((v): v is number => v !== null);
      const expected = all.length < 2 ? null : energyBetween(all);
      // Summarised in two parts, as readings arrive over several messages.
      const cut = Math.floor(next() * (readings.length + 1));
      const summary = summariseRegister(readings.slice(cut), summariseRegister(readings.slice(0, cut)));
      assert.equal(sessionEnergy(startWh, summary, stopWh), expected, JSON.stringify({ startWh, readings, stopWh }));
    }
  });

  it('answers from memory exactly what reading the stored readings back answers, and reads them back when it cannot', () => {
    const next = prng(11).next;
    const db = openDatabase(tempDir('ampyard-registers-'));
    const repo = new TransactionsRepo(db);
    let tracked = 0;
    for (let round = 0; round < 300; round++) {
      const station = `S${round % 7}`;
      const tx = repo.insert({
        stationId: station, evseId: 1, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null,
        reservationId: null, startedAt: at(round * 10_000), meterStartWh: 0, startKey: null, offline: false, chargingState: null, seqNo: null,
      });
      let second = round * 10_000;
      for (let message = 0; message < 6; message++) {
        const samples: MeterSample[] = [];
        for (let i = 0; i < 1 + Math.floor(next() * 3); i++) {
          const roll = next();
          // Mostly readings in time order; now and then a repeat, an older one, one from before the session's
          // window, a reading without a value, another measurand or a phase, a reading on another EVSE.
          if (roll < 0.03) second -= 5;
          else if (roll < 0.05) second = round * 10_000 - 4000;
          else second += 1 + Math.floor(next() * 30);
          const value = next() < 0.05 ? null : Math.round(next() * 50_000);
          const kind = next();
          samples.push(reading(second, value, kind < 0.1 ? { measurand: 'Power.Active.Import', unit: 'W' } : kind < 0.15 ? { phase: 'L1' } : {}));
        }
        const evse = next() < 0.1 ? 2 : 1;
        repo.insertSamples(station, evse, tx, samples);
        repo.noteStored(tx, samples);
      }
      const fromStorage = summariseRegister(repo.registerReadings(tx));
      assert.deepEqual(repo.registerSummary(tx), fromStorage, `session ${tx}`);
      if ((repo as unknown as { registers: { summary(id: number): unknown } }).registers.summary(tx) !== undefined) tracked++;
    }
    // Most sessions were answered from memory, some (those with readings out of order) from storage.
    assert.ok(tracked > 30 && tracked < 300, `${tracked} of 300 sessions answered from memory`);
    db.close();
  });

  it('reads back the readings of sessions it did not start or stopped following', () => {
    const db = openDatabase(tempDir('ampyard-registers-'));
    const repo = new TransactionsRepo(db);
    const tx = repo.insert({
      stationId: 'S1', evseId: 1, connectorId: 1, stationTxId: null, idToken: null, idTokenType: null, groupId: null, authStatus: null,
      reservationId: null, startedAt: at(0), meterStartWh: 0, startKey: null, offline: false, chargingState: null, seqNo: null,
    });
    repo.insertSamples('S1', 1, tx, [reading(10, 100), reading(20, 250)]);
    repo.noteStored(tx, [reading(10, 100), reading(20, 250)]);
    assert.deepEqual(repo.registerSummary(tx), { count: 2, first: 100, last: 250, increase: 150 });
    // Stored but not yet reported as durable: the summary does not pretend to have it.
    repo.insertSamples('S1', 1, tx, [reading(30, 400)]);
    assert.equal(repo.registerSummary(tx).last, 250);
    repo.noteStored(tx, [reading(30, 400)]);
    // A new process (a restart) has nothing in memory and reads them.
    const again = new TransactionsRepo(db);
    assert.deepEqual(again.registerSummary(tx), { count: 3, first: 100, last: 400, increase: 300 });
    // A re-sent reading is not stored twice, and the summary leaves counting to the read.
    repo.insertSamples('S1', 1, tx, [reading(30, 400)]);
    repo.noteStored(tx, [reading(30, 400)]);
    assert.deepEqual(repo.registerSummary(tx), { count: 3, first: 100, last: 400, increase: 300 });
    db.close();
  });
});
