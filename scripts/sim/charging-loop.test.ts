/**
 * ChargingLoop against the scripted mock CSMS, which checks every frame against the OCPP schemas.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChargingLoop } from './charging-loop.ts';
import { MOCK_NO_REPLY, MockCsms, type MockConnection, type MockCsmsOptions } from './mock-csms.ts';
import { SimStation, type OcppVersion, type Payload } from './station.ts';

let counter = 0;
let nextTx = 100;

/** Answers transaction messages the way a CSMS would; the mock's defaults cover the rest. */
const transactionAnswers: MockCsmsOptions['onCall'] = (conn, action, payload) => {
  if (action === 'StartTransaction') return { transactionId: nextTx++, idTagInfo: { status: 'Accepted' } };
  if (action === 'StopTransaction') return {};
  if (action === 'TransactionEvent') return payload.eventType === 'Started' ? { idTokenInfo: { status: 'Accepted' } } : {};
  return undefined;
};

async function withStation(
  version: OcppVersion,
  fn: (station: SimStation, conn: MockConnection, csms: MockCsms) => Promise<void>,
  options: MockCsmsOptions = { onCall: transactionAnswers },
): Promise<void> {
  const csms = await MockCsms.start(options);
  const station = new SimStation({ url: csms.url, id: `LOOP-${++counter}`, version, callTimeoutMs: 2000 });
  try {
    await station.connect();
    const conn = await csms.waitForConnection(station.id);
    await station.runBootSequence({ noHeartbeatLoop: true });
    await fn(station, conn, csms);
    assert.deepEqual(csms.allViolations(), [], 'frames the mock CSMS found invalid');
  } finally {
    await station.destroy();
    await csms.stop();
  }
}

async function eventually(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

function actions(conn: MockConnection): string[] {
  return conn.calls.map((c) => c.action);
}

function callsOf(conn: MockConnection, action: string): Payload[] {
  return conn.calls.filter((c) => c.action === action).map((c) => c.payload);
}

describe('ChargingLoop', () => {
  it('1.6: a session is StartTransaction, Charging, meter values with the transaction id, StopTransaction, Available', async () => {
    await withStation('1.6', async (station, conn) => {
      const loop = new ChargingLoop(station, { meterIntervalSec: 0.03, autoSessions: false });
      loop.start();
      assert.equal(await loop.startSession(1), true);
      const txId = loop.transactionOn(1);
      assert.equal(typeof txId, 'number');
      assert.equal(await loop.startSession(1), false, 'a second start on a busy connector is refused');
      await eventually('meter values inside the session', () => callsOf(conn, 'MeterValues').some((p) => p.transactionId === txId));
      assert.equal(await loop.stopSession(1, 'EVDisconnected'), true);
      loop.stop();
      const start = callsOf(conn, 'StartTransaction')[0]!;
      const stop = callsOf(conn, 'StopTransaction')[0]!;
      assert.equal(start.connectorId, 1);
      assert.equal(stop.transactionId, txId);
      assert.equal(stop.reason, 'EVDisconnected');
      assert.ok(stop.meterStop >= start.meterStart);
      const statuses = callsOf(conn, 'StatusNotification').filter((p) => p.connectorId === 1).map((p) => p.status);
      assert.deepEqual(statuses.slice(-2), ['Charging', 'Available']);
      assert.equal(loop.transactionOn(1), null);
      assert.deepEqual({ ...loop.stats, skipped: 0 }, { sessionsStarted: 1, sessionsStopped: 1, sessionFailures: 0, skipped: 0 });
    });
  });

  it('2.0.1: TransactionEvent Started/Updated/Ended with one transaction id and rising seqNo', async () => {
    await withStation('2.0.1', async (station, conn) => {
      const loop = new ChargingLoop(station, { meterIntervalSec: 0.03, autoSessions: false, idleMeterValues: false });
      loop.start();
      assert.equal(await loop.startSession(2, 'CARD-7'), true);
      await eventually('an Updated event', () => callsOf(conn, 'TransactionEvent').some((p) => p.eventType === 'Updated'));
      assert.equal(await loop.stopSession(2), true);
      loop.stop();
      const events = callsOf(conn, 'TransactionEvent');
      assert.equal(events[0]!.eventType, 'Started');
      assert.deepEqual(events[0]!.evse, { id: 2, connectorId: 1 });
      assert.equal(events[0]!.idToken.idToken, 'CARD-7');
      assert.equal(events.at(-1)!.eventType, 'Ended');
      assert.equal(events.at(-1)!.transactionInfo.stoppedReason, 'Local');
      assert.equal(new Set(events.map((e) => e.transactionInfo.transactionId)).size, 1);
      assert.deepEqual(events.map((e) => e.seqNo), events.map((_, i) => i));
      assert.equal(callsOf(conn, 'MeterValues').length, 0, 'no idle MeterValues when switched off');
      const statuses = callsOf(conn, 'StatusNotification').filter((p) => p.evseId === 2).map((p) => p.connectorStatus);
      assert.deepEqual(statuses.slice(-2), ['Occupied', 'Available']);
    });
  });

  it('runs sessions by itself, changes its meter interval at once and stops cleanly', async () => {
    await withStation('1.6', async (station, conn) => {
      const loop = new ChargingLoop(station, {
        meterIntervalSec: 10, sessionSec: [0.05, 0.1], idleSec: [0.02, 0.05], firstSessionSec: [0.05, 0.1], startSpreadSec: [0, 0.02],
        random: () => 0.5, // first meter value 5 s away
      });
      loop.start();
      await eventually('two sessions ended on each connector', () => callsOf(conn, 'StopTransaction').length >= 4);
      assert.equal(callsOf(conn, 'MeterValues').length, 0, 'the 10 s interval has not come round yet');
      loop.setMeterInterval(0.02);
      await eventually('meter values at the new interval', () => callsOf(conn, 'MeterValues').length >= 6);
      loop.stop();
      await loop.endSessions();
      await sleep(30);
      const sent = conn.calls.length;
      await sleep(100);
      assert.equal(conn.calls.length, sent, 'nothing is sent after stop()');
      assert.equal(loop.activeSessions, 0);
      assert.equal(loop.stats.sessionsStarted, loop.stats.sessionsStopped);
      assert.equal(loop.stats.sessionFailures, 0);
    });
  });

  it('meter-only mode sends MeterValues and no sessions', async () => {
    await withStation('2.0.1', async (station, conn) => {
      const loop = new ChargingLoop(station, { meterIntervalSec: 0.02, transactions: false, startSpreadSec: [0, 0] });
      loop.start();
      await eventually('meter values', () => callsOf(conn, 'MeterValues').length >= 4);
      loop.stop();
      assert.ok(!actions(conn).includes('TransactionEvent'));
      assert.equal(await loop.startSession(1), false);
    });
  });

  it('answers remote start and stop commands with real sessions', async () => {
    await withStation('1.6', async (station, conn) => {
      const loop = new ChargingLoop(station, { meterIntervalSec: 60, autoSessions: false });
      loop.start();
      const started = await conn.call('RemoteStartTransaction', { connectorId: 2, idTag: 'REMOTE-1' });
      assert.deepEqual(started.type === 'result' && started.payload, { status: 'Accepted' });
      await eventually('a session on connector 2', () => loop.transactionOn(2) !== null && callsOf(conn, 'StatusNotification').some((p) => p.status === 'Charging'));
      assert.equal(callsOf(conn, 'StartTransaction')[0]!.idTag, 'REMOTE-1');
      const unknown = await conn.call('RemoteStopTransaction', { transactionId: 999_999 });
      assert.deepEqual(unknown.type === 'result' && unknown.payload, { status: 'Rejected' });
      const stopped = await conn.call('RemoteStopTransaction', { transactionId: loop.transactionOn(2) as number });
      assert.deepEqual(stopped.type === 'result' && stopped.payload, { status: 'Accepted' });
      await eventually('the session stopped', () => callsOf(conn, 'StopTransaction').length === 1 && loop.transactionOn(2) === null);
      assert.equal(callsOf(conn, 'StopTransaction')[0]!.reason, 'Remote');
      loop.stop();
    });
  });

  it('skips meter values instead of queueing them without bound when the CSMS stops answering', async () => {
    const options: MockCsmsOptions = { onCall: (_conn, action) => (action === 'MeterValues' ? MOCK_NO_REPLY : undefined) };
    await withStation(
      '1.6',
      async (station) => {
        const loop = new ChargingLoop(station, { meterIntervalSec: 0.01, transactions: false, maxQueuedCalls: 3 });
        loop.start();
        await eventually('skipped meter values', () => loop.stats.skipped >= 5);
        assert.ok(station.pendingCalls <= 3);
        loop.stop();
      },
      options,
    );
  });
});
