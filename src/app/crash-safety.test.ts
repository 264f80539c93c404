import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SimStation, OcppCallError } from '../../scripts/sim/station.ts';
import { startChildServer, type ChildServer } from '../testing/child-server.ts';
import { prng, testSeed, type Prng } from '../testing/prng.ts';
import { meterValuesFile } from '../storage/meter-values/meter-values-file.ts';
import { databaseFile } from '../storage/database.ts';

const STATIONS = 12;
const CONNECTORS = 2;
const KILL_CYCLES = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StartRecord {
  stationId: string;
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  attempts: number;
  /** The transactionId of the first answer; every later answer to the same payload must repeat it. */
  txId?: number;
}

interface StopRecord {
  txId: number;
  meterStop: number;
  timestamp: string;
  acked: boolean;
  /** Sent after a boot that found the session still open (so the server had closed it itself first). */
  late: boolean;
}

interface SampleRecord {
  stationId: string;
  connectorId: number;
  txId: number;
  timestamp: string;
  value: string;
  acked: boolean;
}

type Connector =
  | { kind: 'idle'; energy: number; lastStart?: StartRecord }
  | { kind: 'starting'; energy: number; start: StartRecord }
  | { kind: 'charging'; energy: number; start: StartRecord; openAtBoot: boolean }
  | { kind: 'stopping'; energy: number; stop: StopRecord; start: StartRecord };

/** What the stations sent and what the server answered: the test's own record to check the database against. */
const ledger = {
  starts: [] as StartRecord[],
  stops: [] as StopRecord[],
  samples: [] as SampleRecord[],
  abandoned: new Set<number>(),
  replays: 0,
  violations: [] as string[],
};

const isConnectionLoss = (error: unknown) => !(error instanceof OcppCallError);

/**
 * A 1.6 charger running sessions with meter values as fast as the server answers. Like a real charger it
 * keeps transaction messages it got no answer for and sends them again after reconnecting (StartTransaction
 * and StopTransaction with the same payload); unanswered meter values are dropped, never resent. On every
 * reconnect it boots again and reports its connectors; some of its open sessions it then forgets (the
 * server must have closed them), and now and then it repeats a start that had been answered, as if the
 * answer had been lost.
 */
class ChargerUnderTest {
  readonly sim: SimStation;
  readonly connectors: Connector[] = [];
  boots = 0;
  finishing = false;
  done = false;
  /** Set when the test gives up: every loop ends at once. */
  aborted = false;
  private readonly random: Prng;

  constructor(url: string, id: string, random: Prng) {
    this.random = random;
    this.sim = new SimStation({ url, id, version: '1.6', connectors: CONNECTORS, callTimeoutMs: 4000 });
    for (let c = 0; c < CONNECTORS; c++) this.connectors.push({ kind: 'idle', energy: 1000 * (c + 1) });
  }

  private get settled(): boolean {
    return this.connectors.every((c) => c.kind === 'idle');
  }

  async run(): Promise<void> {
    while (!this.aborted) {
      if (this.finishing && this.settled) break;
      if (!this.sim.isOpen) {
        await this.reconnect();
        continue;
      }
      const candidates = this.connectors.map((_, i) => i).filter((i) => !this.finishing || this.connectors[i]!.kind !== 'idle');
      await this.step(this.random.pick(candidates));
      await sleep(this.random.int(2, 15));
    }
    await this.sim.close();
    this.done = true;
  }

  private async reconnect(): Promise<void> {
    while (!this.aborted) {
      try {
        await this.sim.connect();
        const boot = await this.sim.boot();
        if (boot.status !== 'Accepted') throw new Error(`boot ${boot.status}`);
        this.boots++;
        this.afterBoot();
        for (let i = 0; i < CONNECTORS; i++) {
          const kind = this.connectors[i]!.kind;
          await this.sim.statusNotification(i + 1, kind === 'charging' ? 'Charging' : kind === 'starting' ? 'Preparing' : kind === 'stopping' ? 'Finishing' : 'Available');
        }
        return;
      } catch {
        if (this.sim.isOpen) await this.sim.destroy();
        await sleep(this.random.int(30, 150));
      }
    }
  }

  /** The server closed every open session at the boot; the charger forgets some and carries on with the rest. */
  private afterBoot(): void {
    this.connectors.forEach((c, i) => {
      if (c.kind === 'charging') {
        if (!this.finishing && this.random.chance(0.3)) {
          ledger.abandoned.add(c.start.txId!);
          this.connectors[i] = { kind: 'idle', energy: c.energy, lastStart: c.start };
        } else {
          c.openAtBoot = true;
        }
      }
    });
  }

  private async step(index: number): Promise<void> {
    const c = this.connectors[index]!;
    const connectorId = index + 1;
    switch (c.kind) {
      case 'idle': {
        if (c.lastStart && !this.finishing && this.random.chance(0.05)) return this.replayStart(c.lastStart);
        if (this.finishing) return;
        c.energy += this.random.int(1, 20);
        const start: StartRecord = {
          stationId: this.sim.id,
          connectorId,
          idTag: `TAG-${this.sim.id}-${connectorId}`,
          meterStart: c.energy,
          timestamp: new Date().toISOString(),
          attempts: 0,
        };
        ledger.starts.push(start);
        this.connectors[index] = { kind: 'starting', energy: c.energy, start };
        return this.step(index);
      }
      case 'starting': {
        const { start } = c;
        start.attempts++;
        try {
          const answer = await this.sim.call('StartTransaction', { connectorId, idTag: start.idTag, meterStart: start.meterStart, timestamp: start.timestamp });
          const txId = answer['transactionId'] as number;
          if (start.txId !== undefined && start.txId !== txId) ledger.violations.push(`${this.sim.id}: start answered ${start.txId}, then ${txId}`);
          start.txId = txId;
          this.connectors[index] = { kind: 'charging', energy: c.energy, start, openAtBoot: false };
        } catch (error) {
          if (!isConnectionLoss(error)) ledger.violations.push(`${this.sim.id}: StartTransaction refused: ${(error as Error).message}`);
        }
        return;
      }
      case 'charging': {
        if (this.finishing || this.random.chance(0.1)) {
          const stop: StopRecord = { txId: c.start.txId!, meterStop: c.energy + 1, timestamp: new Date().toISOString(), acked: false, late: c.openAtBoot };
          ledger.stops.push(stop);
          this.connectors[index] = { kind: 'stopping', energy: c.energy + 1, stop, start: c.start };
          return this.step(index);
        }
        c.energy += this.random.int(1, 50);
        const sample: SampleRecord = { stationId: this.sim.id, connectorId, txId: c.start.txId!, timestamp: new Date().toISOString(), value: String(c.energy), acked: false };
        ledger.samples.push(sample);
        try {
          await this.sim.call('MeterValues', {
            connectorId,
            transactionId: sample.txId,
            meterValue: [{ timestamp: sample.timestamp, sampledValue: [{ value: sample.value, measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }] }],
          });
          sample.acked = true;
        } catch (error) {
          if (!isConnectionLoss(error)) ledger.violations.push(`${this.sim.id}: MeterValues refused: ${(error as Error).message}`);
        }
        return;
      }
      case 'stopping': {
        const { stop } = c;
        try {
          await this.sim.call('StopTransaction', { transactionId: stop.txId, meterStop: stop.meterStop, timestamp: stop.timestamp, reason: 'Local' });
          stop.acked = true;
          this.connectors[index] = { kind: 'idle', energy: c.energy, lastStart: c.start };
        } catch (error) {
          if (!isConnectionLoss(error)) ledger.violations.push(`${this.sim.id}: StopTransaction refused: ${(error as Error).message}`);
        }
        return;
      }
    }
  }

  /** Sends an answered start again, as a charger does when the answer was lost on the way. */
  private async replayStart(start: StartRecord): Promise<void> {
    try {
      const answer = await this.sim.call('StartTransaction', { connectorId: start.connectorId, idTag: start.idTag, meterStart: start.meterStart, timestamp: start.timestamp });
      ledger.replays++;
      if (answer['transactionId'] !== start.txId) ledger.violations.push(`${this.sim.id}: repeated start got ${String(answer['transactionId'])}, first answer was ${start.txId}`);
    } catch {
      // lost again; nothing to check
    }
  }
}

describe('crash safety: kill -9 under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged start, meter value and stop exactly once across ${KILL_CYCLES} kill -9 restarts, and reconciles open sessions`, async (t) => {
    const seed = testSeed(20_251_123);
    const random = prng(seed);
    const args = ['--accept-unknown', '--free-vend', '--allow-profile0', '--tls-port', '0', '--max-messages-per-minute', '1000000', '--log-level', 'error'];
    const started = Date.now();
    let server: ChildServer = await startChildServer({ dataDir, args });
    const port = server.port;
    const chargers = Array.from({ length: STATIONS }, (_, i) => new ChargerUnderTest(server.ocppUrl, `CRASH-${String(i + 1).padStart(2, '0')}`, prng(seed + i + 1)));
    const runs = chargers.map((c) => c.run());
    const killedAfter: number[] = [];
    try {
      for (let cycle = 1; cycle <= KILL_CYCLES; cycle++) {
        await waitFor(() => chargers.every((c) => c.boots >= cycle), 30_000, `every charger booted on server life ${cycle}`);
        const uptime = random.int(700, 2200);
        await sleep(uptime);
        await server.crash();
        killedAfter.push(uptime);
        await sleep(random.int(0, 300));
        server = await startChildServer({ dataDir, args, port });
      }
      await waitFor(() => chargers.every((c) => c.boots >= KILL_CYCLES + 1), 30_000, 'every charger booted after the last restart');
      await sleep(500);
      for (const c of chargers) c.finishing = true;
      await waitFor(() => chargers.every((c) => c.done), 30_000, 'the chargers settled their sessions');
      await Promise.all(runs);
      const exit = await server.stop();
      assert.equal(exit.code, 0, `clean shutdown after the test:\n${server.output()}`);
    } finally {
      for (const c of chargers) c.aborted = true;
      await server.crash();
      await Promise.all(chargers.map((c) => c.sim.destroy()));
    }

    const db = new BetterSqlite3(databaseFile(dataDir), { readonly: true, fileMustExist: true });
    db.prepare('ATTACH DATABASE ? AS meter').run(meterValuesFile(dataDir));
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.deepEqual(ledger.violations, [], 'answers that contradict earlier answers, or refusals');

      // Every start: stored once (retries and replays of the same payload included), under the id it was answered with.
      const txById = new Map((db.prepare('SELECT * FROM transactions').all() as any[]).map((row) => [row.id as number, row]));
      const startRow = db.prepare('SELECT id FROM transactions WHERE station_id = ? AND evse_id = ? AND meter_start_wh = ?');
      const startProblems: string[] = [];
      for (const s of ledger.starts) {
        const rows = startRow.all(s.stationId, s.connectorId, s.meterStart) as { id: number }[];
        if (rows.length !== 1) startProblems.push(`${s.stationId}/${s.connectorId} start at ${s.meterStart} Wh stored ${rows.length} times`);
        else if (s.txId === undefined) startProblems.push(`${s.stationId}/${s.connectorId} start never answered`);
        else if (rows[0]!.id !== s.txId) startProblems.push(`${s.stationId}/${s.connectorId} answered ${s.txId}, stored as ${rows[0]!.id}`);
        else {
          const row = txById.get(s.txId);
          if (row.station_id !== s.stationId || row.id_token.toUpperCase() !== s.idTag.toUpperCase() || Date.parse(row.started_at) !== Date.parse(s.timestamp)) {
            startProblems.push(`transaction ${s.txId} has the wrong fields: ${JSON.stringify(row)}`);
          }
        }
      }
      assert.deepEqual(startProblems.slice(0, 10), [], `${startProblems.length} start problem(s)`);
      assert.equal(txById.size, ledger.starts.length, 'one transaction per distinct start');

      // Every acknowledged meter value once, on its transaction; nothing stored twice.
      const sampleRows = db.prepare('SELECT transaction_id AS txId, COUNT(*) AS n FROM meter_values WHERE station_id = ? AND evse_id = ? AND raw_value = ? GROUP BY transaction_id');
      const sampleProblems: string[] = [];
      let unackedStored = 0;
      for (const s of ledger.samples) {
        const rows = sampleRows.all(s.stationId, s.connectorId, s.value) as { txId: number; n: number }[];
        const n = rows.reduce((sum, r) => sum + r.n, 0);
        if (s.acked && (n !== 1 || rows[0]!.txId !== s.txId)) sampleProblems.push(`${s.stationId}/${s.connectorId} ${s.value} Wh (tx ${s.txId}): ${JSON.stringify(rows)}`);
        if (!s.acked && n > 1) sampleProblems.push(`unanswered ${s.stationId}/${s.connectorId} ${s.value} Wh stored ${n} times`);
        if (!s.acked && n === 1) unackedStored++;
      }
      assert.deepEqual(sampleProblems.slice(0, 10), [], `${sampleProblems.length} meter value problem(s)`);
      const duplicates = db.prepare('SELECT COUNT(*) AS n FROM (SELECT 1 FROM meter_values GROUP BY station_id, evse_id, raw_value HAVING COUNT(*) > 1)').get() as { n: number };
      assert.equal(duplicates.n, 0, 'no meter value stored twice');

      // Every stop as the station reported it (late ones correct what the server closed at the boot); forgotten sessions closed at the boot.
      const stopProblems: string[] = [];
      for (const s of ledger.stops) {
        const row = txById.get(s.txId);
        if (!s.acked) stopProblems.push(`stop of ${s.txId} never answered`);
        else if (row.status !== 'ended' || row.ended_by !== 'station' || row.meter_stop_wh !== s.meterStop || Date.parse(row.ended_at) !== Date.parse(s.timestamp)) {
          stopProblems.push(`transaction ${s.txId} after its stop: ${JSON.stringify(row)}`);
        }
      }
      for (const txId of ledger.abandoned) {
        const row = txById.get(txId);
        if (row.status !== 'ended' || row.ended_by !== 'reconciled-boot') stopProblems.push(`forgotten session ${txId} not closed at the boot: ${JSON.stringify(row)}`);
      }
      assert.deepEqual(stopProblems.slice(0, 10), [], `${stopProblems.length} stop problem(s)`);
      assert.equal((db.prepare("SELECT COUNT(*) AS n FROM transactions WHERE status = 'active'").get() as { n: number }).n, 0, 'no session left open');

      const figures = {
        seed,
        killCycles: KILL_CYCLES,
        killedAfterMs: killedAfter,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        starts: ledger.starts.length,
        startsRetried: ledger.starts.filter((s) => s.attempts > 1).length,
        startsReplayed: ledger.replays,
        meterValuesAcked: ledger.samples.filter((s) => s.acked).length,
        meterValuesUnanswered: ledger.samples.filter((s) => !s.acked).length,
        unansweredButStored: unackedStored,
        stops: ledger.stops.length,
        lateStops: ledger.stops.filter((s) => s.late).length,
        forgottenSessionsClosedAtBoot: ledger.abandoned.size,
      };
      t.diagnostic(JSON.stringify(figures));
      assert.ok(figures.startsRetried + figures.meterValuesUnanswered > 0, 'the kills hit messages in flight');
      assert.ok(figures.lateStops > 0 && figures.forgottenSessionsClosedAtBoot > 0 && figures.startsReplayed > 0, 'reconciliation and replays were exercised');
    } finally {
      db.close();
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}
