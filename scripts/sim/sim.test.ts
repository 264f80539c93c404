/**
 * Tests for the charger simulator.
 *  (a) the simulator against a scripted in-test CSMS (mock-csms.ts) that checks every frame;
 *  (b) the walking-skeleton acceptance test: 200 simulated stations against the real server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Fleet, LatencyHistogram, formatSummary, type FleetSnapshot } from './fleet.ts';
import { MOCK_NO_REPLY, MockCsms, schemaError, type MockCsmsOptions, type MockConnection } from './mock-csms.ts';
import {
  CallTimeoutError,
  ConnectError,
  NO_REPLY,
  NotConnectedError,
  OcppCallError,
  SimStation,
  type OcppVersion,
  type Payload,
  type SimStationOptions,
} from './station.ts';

const VERSIONS: OcppVersion[] = ['1.6', '2.0.1', '2.1'];
let stationCounter = 0;

type Make = (options?: Partial<SimStationOptions>) => SimStation;

/** Start a mock CSMS, run `fn`, then require that the mock found no invalid frame from the simulator. */
async function withCsms(
  options: MockCsmsOptions,
  fn: (csms: MockCsms, make: Make) => Promise<void>,
  { allowViolations = false } = {},
): Promise<void> {
  const csms = await MockCsms.start(options);
  const stations: SimStation[] = [];
  const make: Make = (o = {}) => {
    const s = new SimStation({ url: csms.url, id: `CS-${++stationCounter}`, version: '1.6', callTimeoutMs: 2000, ...o });
    stations.push(s);
    return s;
  };
  try {
    await fn(csms, make);
    if (!allowViolations) assert.deepEqual(csms.allViolations(), [], 'frames from the simulator that the mock CSMS found invalid');
  } finally {
    await Promise.all(stations.map((s) => s.destroy()));
    await csms.stop();
  }
}

async function connected(csms: MockCsms, make: Make, options: Partial<SimStationOptions> = {}): Promise<[SimStation, MockConnection]> {
  const station = make(options);
  await station.connect();
  const conn = await csms.waitForConnection(station.id);
  return [station, conn];
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(stepMs);
  }
}

// =============================================================================================
// (a) the simulator against a scripted CSMS

describe('SimStation: connection and handshake', () => {
  for (const version of VERSIONS) {
    it(`offers exactly the subprotocol ocpp${version} and connects to <url>/<station id>`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version, id: 'DEPOT A/7' });
        const hs = csms.handshakes.at(-1)!;
        assert.deepEqual(hs.offeredProtocols, [`ocpp${version}`]);
        assert.equal(hs.path, '/ocpp/DEPOT%20A%2F7');
        assert.equal(conn.id, 'DEPOT A/7');
        assert.equal(station.negotiatedProtocol, `ocpp${version}`);
        assert.equal(station.isOpen, true);
        assert.equal(hs.headers['authorization'], undefined, 'no Authorization header without a password');
      });
    });
  }

  it('sends HTTP Basic auth base64(id:password) when a password is given', async () => {
    await withCsms({}, async (csms, make) => {
      await connected(csms, make, { id: 'AUTH-1', password: 's3cr:et' });
      assert.equal(csms.handshakes.at(-1)!.headers['authorization'], 'Basic ' + Buffer.from('AUTH-1:s3cr:et').toString('base64'));
    });
  });

  it('reports a refused handshake as ConnectError carrying the HTTP status', async () => {
    await withCsms({ authorize: () => 401 }, async (_csms, make) => {
      const station = make();
      await assert.rejects(station.connect(), (err: unknown) => err instanceof ConnectError && err.statusCode === 401);
      assert.equal(station.isOpen, false);
    });
  });

  it('refuses a server that does not select the offered subprotocol', async () => {
    await withCsms({ protocols: ['ocpp1.6'] }, async (_csms, make) => {
      const station = make({ version: '2.0.1' });
      await assert.rejects(station.connect(), (err: unknown) => err instanceof ConnectError && /subprotocol/.test(err.message));
    });
  });

  it('reports an unreachable server as ConnectError', async () => {
    const station = new SimStation({ url: 'ws://127.0.0.1:1/ocpp', id: 'NOWHERE', version: '1.6' });
    await assert.rejects(station.connect(), ConnectError);
  });
});

describe('SimStation: payloads', () => {
  it('BootNotification 1.6 is {chargePointVendor, chargePointModel, chargePointSerialNumber, firmwareVersion}', async () => {
    await withCsms({ interval: 42 }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '1.6', vendor: 'V', model: 'M', serial: 'S', firmware: 'F' });
      const res = await station.boot();
      assert.equal(res.status, 'Accepted');
      assert.equal(res.interval, 42);
      assert.equal(typeof res.currentTime, 'string');
      assert.equal(station.registration, 'Accepted');
      assert.deepEqual(conn.calls[0]!.payload, { chargePointVendor: 'V', chargePointModel: 'M', chargePointSerialNumber: 'S', firmwareVersion: 'F' });
    });
  });

  for (const version of ['2.0.1', '2.1'] as const) {
    it(`BootNotification ${version} is {chargingStation:{vendorName, model, serialNumber, firmwareVersion}, reason:'PowerUp'}`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version, vendor: 'V', model: 'M', serial: 'S', firmware: 'F' });
        await station.boot();
        assert.deepEqual(conn.calls[0]!.payload, {
          chargingStation: { vendorName: 'V', model: 'M', serialNumber: 'S', firmwareVersion: 'F' },
          reason: 'PowerUp',
        });
      });
    });
  }

  it('default vendor/model/serial/firmware are schema-valid even for a 48-character id', async () => {
    await withCsms({}, async (csms, make) => {
      for (const version of VERSIONS) {
        const [station] = await connected(csms, make, { version, id: `${version}-`.padEnd(48, 'x') });
        await station.boot();
      }
    });
  });

  it('StatusNotification 1.6: {connectorId, errorCode, status, timestamp}', async () => {
    await withCsms({}, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '1.6' });
      await station.statusNotification(2, 'Faulted', 'GroundFailure');
      await station.statusNotification(1, 'Available');
      await station.statusNotification(0, 'Available');
      const [p1, p2, p3] = conn.calls.map((c) => c.payload);
      assert.deepEqual({ ...p1, timestamp: undefined }, { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', timestamp: undefined });
      assert.equal(p2!.errorCode, 'NoError');
      assert.equal(p3!.connectorId, 0);
      assert.ok(!Number.isNaN(Date.parse(p1!.timestamp)));
    });
  });

  for (const version of ['2.0.1', '2.1'] as const) {
    it(`StatusNotification ${version}: connector N -> {evseId: N, connectorId: 1, connectorStatus}, 1.6-only statuses become Occupied`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version, connectors: 3 });
        await station.statusNotification(3, 'Unavailable');
        await station.statusNotification(2, 'Charging');
        const [p1, p2] = conn.calls.map((c) => c.payload);
        assert.deepEqual({ ...p1, timestamp: undefined }, { timestamp: undefined, connectorStatus: 'Unavailable', evseId: 3, connectorId: 1 });
        assert.equal(p2!.connectorStatus, 'Occupied');
        assert.equal(p2!.evseId, 2);
        assert.throws(() => station.statusPayload(0, 'Available'), RangeError);
      });
    });
  }

  it('sendAllStatuses sends one StatusNotification per connector (and connector 0 for 1.6 on request)', async () => {
    await withCsms({}, async (csms, make) => {
      const [s16, c16] = await connected(csms, make, { version: '1.6', connectors: 3 });
      await s16.sendAllStatuses('Available', { includeZero: true });
      assert.deepEqual(c16.calls.map((c) => c.payload.connectorId), [0, 1, 2, 3]);
      const [s2, c2] = await connected(csms, make, { version: '2.0.1', connectors: 2 });
      await s2.sendAllStatuses('Available', { includeZero: true });
      assert.deepEqual(c2.calls.map((c) => c.payload.evseId), [1, 2]);
    });
  });

  it('heartbeat() and meterValues() are schema-valid for every version', async () => {
    await withCsms({}, async (csms, make) => {
      for (const version of VERSIONS) {
        const [station] = await connected(csms, make, { version });
        const hb = await station.heartbeat();
        assert.equal(typeof hb.currentTime, 'string');
        await station.meterValues(1, 1234);
      }
    });
  });
});

describe('SimStation: OCPP-J framing of its own CALLs', () => {
  it('sends CALLs one at a time, in order, with unique ids, and resolves each with its own answer', async () => {
    let n = 0;
    const onCall = (_c: MockConnection, action: string) =>
      action === 'DataTransfer' ? { status: 'Accepted', data: String(++n) } : undefined;
    await withCsms({ responseDelayMs: 5, onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => station.call('DataTransfer', { vendorId: 'sim', messageId: String(i) })),
      );
      assert.equal(conn.maxOutstanding, 1, 'never more than one CALL unanswered');
      assert.deepEqual(conn.calls.map((c) => c.payload.messageId), Array.from({ length: 40 }, (_, i) => String(i)), 'sent in call() order');
      assert.deepEqual(results.map((r) => r.data), Array.from({ length: 40 }, (_, i) => String(i + 1)), 'each result matches its CALL');
      const ids = conn.calls.map((c) => c.messageId);
      assert.equal(new Set(ids).size, ids.length, 'message ids are unique');
      for (const frame of conn.frames) {
        const msg = JSON.parse(frame);
        assert.equal(msg.length, 4);
        assert.equal(msg[0], 2);
        assert.ok(typeof msg[1] === 'string' && msg[1].length > 0 && msg[1].length <= 36, `message id ${msg[1]}`);
      }
    });
  });

  it('times out an unanswered CALL, then sends the next; a late answer is reported and ignored', async () => {
    let first = true;
    const onCall = (conn: MockConnection, action: string) => {
      if (action === 'Heartbeat' && first) {
        first = false;
        conn.forget(conn.calls.at(-1)!.messageId);
        return MOCK_NO_REPLY;
      }
      if (action === 'StatusNotification') return sleep(100).then(() => ({}));
      return undefined;
    };
    await withCsms({ onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { callTimeoutMs: 250 });
      const protocolErrors: string[] = [];
      station.on('protocolError', (m) => protocolErrors.push(m));
      const t0 = Date.now();
      const hb = station.heartbeat();
      const sn = station.statusNotification(1, 'Available');
      await assert.rejects(hb, (err: unknown) => err instanceof CallTimeoutError && err.action === 'Heartbeat' && err.timeoutMs === 250);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 240 && elapsed < 1500, `timeout fired after ${elapsed} ms`);
      const snCall = await conn.nextCall('StatusNotification').catch(() => null) ?? conn.calls.find((c) => c.action === 'StatusNotification');
      assert.ok(snCall, 'queued StatusNotification sent after the timeout');
      const hbId = conn.calls[0]!.messageId;
      conn.sendRaw(JSON.stringify([3, hbId, { currentTime: 'late' }]));
      assert.deepEqual(await sn, {}, 'the late Heartbeat answer did not resolve the next call');
      assert.ok(conn.calls[1]!.at - conn.calls[0]!.at >= 240, 'second CALL only after the first timed out');
      await eventually('late answer reported', () => protocolErrors.some((m) => /late answer/.test(m)));
    });
  });

  it('rejects with OcppCallError (code, description, details) on CALLERROR', async () => {
    await withCsms({}, async (csms, make) => {
      const [station] = await connected(csms, make);
      await assert.rejects(
        station.call('DataTransfer', { vendorId: 'acme' }),
        (err: unknown) => err instanceof OcppCallError && err.code === 'NotImplemented' && /DataTransfer/.test(err.description),
      );
    });
  });

  it('rejects the outstanding and queued CALLs with NotConnectedError when the CSMS drops the connection', async () => {
    await withCsms({ onCall: () => MOCK_NO_REPLY }, async (csms, make) => {
      const [station, conn] = await connected(csms, make);
      const closes: Array<{ code: number; initiatedByStation: boolean }> = [];
      station.on('close', (info) => closes.push(info));
      const a = station.heartbeat();
      const b = station.heartbeat();
      await conn.nextCall('Heartbeat');
      conn.ws.terminate();
      await assert.rejects(a, NotConnectedError);
      await assert.rejects(b, NotConnectedError);
      await assert.rejects(station.heartbeat(), NotConnectedError);
      assert.equal(closes.length, 1);
      assert.equal(closes[0]!.initiatedByStation, false);
    }, { allowViolations: true });
  });

  it('emits callComplete with latency for every CALL', async () => {
    await withCsms({ responseDelayMs: 30 }, async (csms, make) => {
      const [station] = await connected(csms, make);
      const done: Array<{ action: string; ok: boolean; latencyMs: number }> = [];
      station.on('callComplete', (i) => done.push(i));
      await station.heartbeat();
      assert.equal(done.length, 1);
      assert.equal(done[0]!.action, 'Heartbeat');
      assert.equal(done[0]!.ok, true);
      assert.ok(done[0]!.latencyMs >= 25, `latency ${done[0]!.latencyMs}`);
    });
  });

  it('sendRaw() sends exactly the given text and nextFrame() returns the next incoming frame', async () => {
    await withCsms({}, async (csms, make) => {
      const [station, conn] = await connected(csms, make);
      const next = station.nextFrame();
      station.sendRaw('[2,"raw-1","Heartbeat",{}]');
      const frame = await next;
      assert.equal(conn.frames.at(-1), '[2,"raw-1","Heartbeat",{}]');
      const msg = JSON.parse(frame);
      assert.equal(msg[0], 3);
      assert.equal(msg[1], 'raw-1');
      const filtered = station.nextFrame({ filter: (m) => Array.isArray(m) && m[1] === 'raw-3' });
      station.sendRaw('[2,"raw-2","Heartbeat",{}]');
      station.sendRaw('[2,"raw-3","Heartbeat",{}]');
      assert.equal(JSON.parse(await filtered)[1], 'raw-3');
      await assert.rejects(station.nextFrame({ timeoutMs: 50 }), /no matching frame/);
    });
  });
});

describe('SimStation: answering CSMS CALLs', () => {
  for (const version of VERSIONS) {
    it(`${version}: TriggerMessage -> Accepted, then the triggered message (after the CALLRESULT)`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version });
        const is16 = version === '1.6';
        for (const requestedMessage of ['Heartbeat', 'StatusNotification', 'BootNotification', 'MeterValues']) {
          const stationWide = requestedMessage === 'Heartbeat' || requestedMessage === 'BootNotification';
          const payload: Payload = { requestedMessage };
          if (!stationWide) {
            if (is16) payload.connectorId = 2;
            else payload.evse = { id: 2, connectorId: 1 };
          }
          const triggered = conn.nextCall(requestedMessage);
          const res = await conn.call('TriggerMessage', payload);
          assert.equal(res.type === 'result' && res.payload.status, 'Accepted', `${requestedMessage}: ${res.text}`);
          const call = await triggered;
          const resultIndex = conn.frames.indexOf(res.text);
          const callIndex = conn.frames.findIndex((f) => JSON.parse(f)[1] === call[1]);
          assert.ok(resultIndex >= 0 && callIndex > resultIndex, `${requestedMessage} sent after the TriggerMessage result`);
          if (requestedMessage === 'StatusNotification') assert.equal(is16 ? call[3].connectorId : call[3].evseId, 2);
          if (requestedMessage === 'BootNotification' && !is16) assert.equal(call[3].reason, 'Triggered');
        }
        const unsupported = await conn.call('TriggerMessage', { requestedMessage: is16 ? 'DiagnosticsStatusNotification' : 'SignChargingStationCertificate' });
        assert.equal(unsupported.type === 'result' && unsupported.payload.status, is16 ? 'Accepted' : 'NotImplemented');
        await sleep(50);
        assert.equal(station.pendingCalls, 0);
      });
    });
  }

  const samples: Record<'1.6' | '2.x', Array<[string, Payload, string | null]>> = {
    '1.6': [
      ['Reset', { type: 'Soft' }, 'Accepted'],
      ['ChangeAvailability', { connectorId: 1, type: 'Inoperative' }, 'Accepted'],
      ['GetConfiguration', {}, null],
      ['GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] }, null],
      ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' }, 'Accepted'],
      ['ChangeConfiguration', { key: 'NumberOfConnectors', value: '9' }, 'Rejected'],
      ['ChangeConfiguration', { key: 'NoSuchKey', value: '1' }, 'NotSupported'],
      ['ClearCache', {}, 'Accepted'],
      ['UnlockConnector', { connectorId: 1 }, 'Unlocked'],
      ['RemoteStartTransaction', { idTag: 'TAG1', connectorId: 1 }, 'Accepted'],
      ['RemoteStopTransaction', { transactionId: 1 }, 'Rejected'],
      [
        'SetChargingProfile',
        {
          connectorId: 1,
          csChargingProfiles: {
            chargingProfileId: 1,
            stackLevel: 0,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
          },
        },
        'Accepted',
      ],
      ['ClearChargingProfile', {}, 'Accepted'],
      ['GetCompositeSchedule', { connectorId: 1, duration: 3600 }, 'Accepted'],
      ['DataTransfer', { vendorId: 'acme' }, 'UnknownVendorId'],
      ['GetLocalListVersion', {}, null],
      ['SendLocalList', { listVersion: 1, updateType: 'Full' }, 'Accepted'],
      ['ReserveNow', { connectorId: 1, expiryDate: '2030-01-01T00:00:00Z', idTag: 'T', reservationId: 1 }, 'Accepted'],
      ['CancelReservation', { reservationId: 1 }, 'Accepted'],
      ['GetDiagnostics', { location: 'ftp://example.com/' }, null],
      ['UpdateFirmware', { location: 'ftp://example.com/fw.bin', retrieveDate: '2030-01-01T00:00:00Z' }, null],
    ],
    '2.x': [
      ['Reset', { type: 'Immediate' }, 'Accepted'],
      ['ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }, 'Accepted'],
      [
        'GetVariables',
        {
          getVariableData: [
            { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
            { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } },
            { component: { name: 'NoSuchComponent' }, variable: { name: 'X' }, attributeType: 'Actual' },
          ],
        },
        null,
      ],
      [
        'SetVariables',
        {
          setVariableData: [
            { attributeValue: '120', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
            { attributeValue: '1', component: { name: 'DeviceDataCtrlr' }, variable: { name: 'ItemsPerMessage' } },
          ],
        },
        null,
      ],
      ['GetBaseReport', { requestId: 7, reportBase: 'FullInventory' }, 'Accepted'],
      ['ClearCache', {}, 'Accepted'],
      ['UnlockConnector', { evseId: 1, connectorId: 1 }, 'Unlocked'],
      ['RequestStartTransaction', { idToken: { idToken: 'T', type: 'ISO14443' }, remoteStartId: 1 }, 'Accepted'],
      ['RequestStopTransaction', { transactionId: 'tx-1' }, 'Rejected'],
      ['ClearChargingProfile', {}, 'Accepted'],
      ['GetChargingProfiles', { requestId: 1, chargingProfile: {} }, 'NoProfiles'],
      ['GetCompositeSchedule', { duration: 3600, evseId: 1 }, 'Accepted'],
      ['DataTransfer', { vendorId: 'acme' }, 'UnknownVendorId'],
      ['GetLocalListVersion', {}, null],
      ['SendLocalList', { versionNumber: 1, updateType: 'Full' }, 'Accepted'],
      ['CancelReservation', { reservationId: 1 }, 'Accepted'],
      ['GetTransactionStatus', {}, null],
    ],
  };

  for (const version of VERSIONS) {
    it(`${version}: default answers to CSMS CALLs are schema-valid`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version });
        for (const [action, payload, expectedStatus] of samples[version === '1.6' ? '1.6' : '2.x']) {
          assert.equal(schemaError(version, action, 'request', payload), null, `test sample ${action} must itself be valid`);
          const res = await conn.call(action, payload);
          assert.equal(res.type, 'result', `${action}: ${res.text}`);
          if (expectedStatus !== null && res.type === 'result') assert.equal(res.payload.status, expectedStatus, `${action}: ${res.text}`);
        }
        if (version === '1.6') {
          const conf = await conn.call('GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] });
          assert.ok(conf.type === 'result');
          assert.deepEqual(conf.payload.configurationKey, [{ key: 'HeartbeatInterval', readonly: false, value: '120' }]);
          assert.deepEqual(conf.payload.unknownKey, ['NoSuchKey']);
        } else {
          const vars = await conn.call('GetVariables', {
            getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
          });
          assert.ok(vars.type === 'result');
          assert.equal(vars.payload.getVariableResult[0].attributeValue, '120');
          assert.equal(vars.payload.getVariableResult[0].attributeStatus, 'Accepted');
          await eventually('GetBaseReport is followed by NotifyReport', () =>
            conn.calls.some((c) => c.action === 'NotifyReport' && c.payload.requestId === 7),
          );
        }
        // ChangeAvailability Inoperative made connector 1 report Unavailable
        await eventually('StatusNotification Unavailable after ChangeAvailability', () =>
          conn.calls.some((c) => c.action === 'StatusNotification' && (c.payload.status ?? c.payload.connectorStatus) === 'Unavailable'),
        );
        assert.equal(station.effectiveHeartbeatSec(), 120, 'configured HeartbeatInterval is used');
      });
    });
  }

  for (const version of VERSIONS) {
    it(`${version}: unknown action -> CALLERROR NotImplemented; malformed CALL -> CALLERROR ${version === '1.6' ? 'FormationViolation' : 'FormatViolation'}`, async () => {
      await withCsms({}, async (csms, make) => {
        const [station, conn] = await connected(csms, make, { version });
        const protocolErrors: string[] = [];
        station.on('protocolError', (m) => protocolErrors.push(m));
        const res = await conn.call('MakeCoffee', { sugar: 2 });
        assert.equal(res.type, 'error');
        assert.equal(res.type === 'error' && res.code, 'NotImplemented');
        assert.equal(JSON.parse(res.text).length, 5);

        const answer = conn.nextMessage((m) => m[1] === 'bad-1');
        conn.sendRaw('[2,"bad-1","Reset"]');
        const err = await answer;
        assert.equal(err[0], 4);
        assert.equal(err[2], version === '1.6' ? 'FormationViolation' : 'FormatViolation');
        assert.equal(err.length, 5);

        conn.sendRaw('this is not json');
        conn.sendRaw('{"not":"an array"}');
        await eventually('protocol errors reported', () => protocolErrors.length >= 3);
        // still healthy
        await station.heartbeat();
      }, { allowViolations: true });
    });
  }

  it('custom onCall handlers: payload, async payload, OcppCallError, thrown error -> InternalError, NO_REPLY', async () => {
    await withCsms({}, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '2.0.1' });
      const seen: string[] = [];
      station.on('call', (c) => seen.push(c.action));
      station.onCall('Reset', (p) => ({ status: p.type === 'OnIdle' ? 'Scheduled' : 'Rejected' }));
      station.onCall('ClearCache', async () => {
        await sleep(10);
        return { status: 'Rejected' };
      });
      station.onCall('UnlockConnector', () => {
        throw new OcppCallError('SecurityError', 'not today', { why: 'test' });
      });
      station.onCall('GetLocalListVersion', () => {
        throw new Error('boom');
      });
      station.onCall('GetTransactionStatus', () => NO_REPLY);

      const r1 = await conn.call('Reset', { type: 'OnIdle' });
      assert.equal(r1.type === 'result' && r1.payload.status, 'Scheduled');
      const r2 = await conn.call('ClearCache', {});
      assert.equal(r2.type === 'result' && r2.payload.status, 'Rejected');
      const r3 = await conn.call('UnlockConnector', { evseId: 1, connectorId: 1 });
      assert.deepEqual(r3.type === 'error' && [r3.code, r3.description, r3.details], ['SecurityError', 'not today', { why: 'test' }]);
      const r4 = await conn.call('GetLocalListVersion', {});
      assert.deepEqual(r4.type === 'error' && [r4.code, r4.description], ['InternalError', 'boom']);
      await assert.rejects(conn.call('GetTransactionStatus', {}, 200), /did not answer/);
      assert.deepEqual(seen, ['Reset', 'ClearCache', 'UnlockConnector', 'GetLocalListVersion', 'GetTransactionStatus']);

      station.offCall('Reset');
      const r5 = await conn.call('Reset', { type: 'OnIdle' });
      assert.equal(r5.type === 'result' && r5.payload.status, 'Accepted', 'default handler back after offCall');
      const waited = station.waitForCall('ClearCache');
      await conn.call('ClearCache', {});
      assert.equal((await waited).action, 'ClearCache');
    });
  });
});

describe('SimStation: boot sequence and heartbeats', () => {
  it('Pending -> boots again after the interval -> Accepted -> a status per connector -> heartbeats at the server interval', async () => {
    let boots = 0;
    const onCall = (_c: MockConnection, action: string) => {
      if (action !== 'BootNotification') return undefined;
      boots++;
      return { status: boots === 1 ? 'Pending' : 'Accepted', interval: 1, currentTime: new Date().toISOString() };
    };
    await withCsms({ onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '2.0.1', connectors: 2 });
      const res = await station.runBootSequence();
      assert.equal(res.status, 'Accepted');
      const [b1, b2] = conn.calls.filter((c) => c.action === 'BootNotification');
      assert.ok(b1 && b2);
      const gap = b2.at - b1.at;
      assert.ok(gap >= 900 && gap < 2500, `second boot ${gap} ms after a Pending with interval 1 s`);
      assert.deepEqual(
        conn.calls.slice(2).map((c) => `${c.action}:${c.payload.evseId}:${c.payload.connectorStatus}`),
        ['StatusNotification:1:Available', 'StatusNotification:2:Available'],
      );
      const statusAt = conn.calls.at(-1)!.at;
      const hb = await conn.nextCall('Heartbeat', 3000);
      assert.ok(hb);
      const hbGap = conn.calls.find((c) => c.action === 'Heartbeat')!.at - statusAt;
      assert.ok(hbGap >= 900 && hbGap < 2500, `first heartbeat ${hbGap} ms after the statuses (server interval 1 s)`);
      assert.equal(station.heartbeatRunning, true);
    });
  });

  it('Pending -> TriggerMessage BootNotification boots again at once (reason Triggered)', async () => {
    let boots = 0;
    const onCall = (_c: MockConnection, action: string) => {
      if (action !== 'BootNotification') return undefined;
      boots++;
      return { status: boots === 1 ? 'Pending' : 'Accepted', interval: 60, currentTime: new Date().toISOString() };
    };
    await withCsms({ onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '2.0.1', heartbeatIntervalSec: 3600 });
      const firstBoot = conn.nextCall('BootNotification');
      const seq = station.runBootSequence();
      await firstBoot;
      await eventually('Pending received', () => station.registration === 'Pending');
      const t0 = Date.now();
      const trig = await conn.call('TriggerMessage', { requestedMessage: 'BootNotification' });
      assert.equal(trig.type === 'result' && trig.payload.status, 'Accepted');
      const res = await seq;
      assert.equal(res.status, 'Accepted');
      assert.ok(Date.now() - t0 < 1000, 'booted right after the trigger, not after the 60 s interval');
      const boots2 = conn.calls.filter((c) => c.action === 'BootNotification');
      assert.equal(boots2.length, 2);
      assert.equal(boots2[1]!.payload.reason, 'Triggered');
    });
  });

  it('Rejected 1.6 station retries after the interval; initialStatus per connector with errorCode; initialHeartbeat', async () => {
    let boots = 0;
    const onCall = (_c: MockConnection, action: string) => {
      if (action !== 'BootNotification') return undefined;
      boots++;
      return { status: boots === 1 ? 'Rejected' : 'Accepted', interval: 1, currentTime: new Date().toISOString() };
    };
    await withCsms({ onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '1.6' });
      await station.runBootSequence({
        initialStatus: (c) => (c === 1 ? 'Available' : ['Faulted', 'GroundFailure']),
        includeConnectorZero: true,
        initialHeartbeat: true,
        noHeartbeatLoop: true,
      });
      assert.deepEqual(
        conn.calls.map((c) => (c.action === 'StatusNotification' ? `SN:${c.payload.connectorId}:${c.payload.status}:${c.payload.errorCode}` : c.action)),
        ['BootNotification', 'BootNotification', 'SN:0:Available:NoError', 'SN:1:Available:NoError', 'SN:2:Faulted:GroundFailure', 'Heartbeat'],
      );
      assert.equal(station.heartbeatRunning, false);
    });
  });

  it('heartbeat override (fractional seconds) drives the loop; stopHeartbeat() stops it', async () => {
    await withCsms({ interval: 3600 }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { version: '1.6', heartbeatIntervalSec: 0.1 });
      await station.runBootSequence();
      await sleep(550);
      const n = conn.calls.filter((c) => c.action === 'Heartbeat').length;
      assert.ok(n >= 2 && n <= 7, `${n} heartbeats in 550 ms at 0.1 s`);
      station.stopHeartbeat();
      await sleep(150);
      const m = conn.calls.filter((c) => c.action === 'Heartbeat').length;
      await sleep(300);
      assert.equal(conn.calls.filter((c) => c.action === 'Heartbeat').length, m, 'stopHeartbeat() stops the loop');
    });
  });

  it('without an override, ChangeConfiguration / SetVariables HeartbeatInterval reschedules the running loop', async () => {
    await withCsms({ interval: 3600 }, async (csms, make) => {
      const [s16, c16] = await connected(csms, make, { version: '1.6' });
      const [s2, c2] = await connected(csms, make, { version: '2.0.1' });
      await Promise.all([s16.runBootSequence(), s2.runBootSequence()]);
      assert.equal(s16.effectiveHeartbeatSec(), 3600, 'server interval from the boot answer');
      await c16.call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '0.1' });
      await c2.call('SetVariables', {
        setVariableData: [{ attributeValue: '0.1', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
      });
      await Promise.all([c16.nextCall('Heartbeat', 1000), c2.nextCall('Heartbeat', 1000)]);
    });
  });
});

describe('SimStation: disconnects', () => {
  it('close() is a clean websocket close (code 1000); destroy() drops the socket without a close frame (1006)', async () => {
    await withCsms({}, async (csms, make) => {
      const [a, ca] = await connected(csms, make);
      const info = await a.close();
      assert.equal(info.initiatedByStation, true);
      assert.equal((await ca.closed).code, 1000);
      const [b, cb] = await connected(csms, make);
      await b.destroy();
      assert.equal((await cb.closed).code, 1006);
      assert.equal(b.isOpen, false);
    });
  });

  it('can connect() again after the connection closed (reconnect)', async () => {
    await withCsms({}, async (csms, make) => {
      const [station] = await connected(csms, make, { version: '2.0.1' });
      await assert.rejects(station.connect(), /while a connection is open/);
      await station.destroy();
      await station.connect();
      assert.equal((await station.boot()).status, 'Accepted');
      assert.equal(csms.connections.filter((c) => c.id === station.id).length, 2);
    });
  });

  it('goSilent() stops answering pings and CALLs and stops sending, leaving the socket open', async () => {
    const onCall = (conn: MockConnection, action: string) => {
      if (action !== 'DataTransfer') return undefined;
      conn.forget(conn.calls.at(-1)!.messageId);
      return MOCK_NO_REPLY;
    };
    await withCsms({ onCall }, async (csms, make) => {
      const [station, conn] = await connected(csms, make, { heartbeatIntervalSec: 0.05 });
      await station.runBootSequence();
      assert.equal(await conn.ping(), true, 'answers pings before goSilent');
      const sent = conn.nextCall('DataTransfer');
      const inFlight = station.call('DataTransfer', { vendorId: 'x' }).catch((e: Error) => e);
      await sent;
      station.goSilent();
      assert.ok((await inFlight) instanceof NotConnectedError, 'pending CALL rejected');
      await assert.rejects(station.heartbeat(), NotConnectedError);
      const framesAtSilence = conn.frames.length;
      assert.equal(await conn.ping(300), false, 'no pong while silent');
      await assert.rejects(conn.call('Reset', { type: 'Hard' }, 300), /did not answer/);
      await sleep(200);
      assert.equal(conn.frames.length, framesAtSilence, 'nothing sent while silent (no heartbeats)');
      assert.equal(conn.ws.readyState, conn.ws.OPEN, 'socket still open from the CSMS side');
      assert.equal(station.isSilent, true);
      await station.destroy();
      await conn.closed;
    });
  });
});

describe('LatencyHistogram', () => {
  it('percentiles are within 1% of the exact value', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => (i + 1) / 10); // 0.1 .. 1000 ms
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    for (const v of values) h.record(v);
    for (const [p, exact] of [[50, 500], [95, 950], [99, 990], [100, 1000]] as const) {
      const got = h.percentile(p);
      assert.ok(Math.abs(got - exact) / exact <= 0.011, `p${p}: ${got} vs ${exact}`);
    }
    assert.equal(h.max, 1000);
    assert.equal(h.count, 10_000);
    assert.ok(Math.abs(h.mean - 500.05) < 1e-6);
    const empty = new LatencyHistogram();
    assert.equal(empty.percentile(99), 0);
    empty.record(0);
    empty.record(0.0001);
    assert.ok(empty.percentile(50) <= 0.001);
    assert.equal(empty.percentile(100), 0.0001);
  });
});

describe('Fleet', () => {
  it('starts mixed versions with bounded concurrency and reports accepted/pending/rejected and per-action latency', async () => {
    const onCall = (conn: MockConnection, action: string) => {
      if (action !== 'BootNotification') return undefined;
      const n = Number(conn.id.split('-').pop());
      const status = ['Accepted', 'Pending', 'Rejected'][n % 3];
      return { status, interval: status === 'Accepted' ? 3600 : 60, currentTime: new Date().toISOString() };
    };
    await withCsms({ onCall, responseDelayMs: 15 }, async (csms) => {
      const fleet = new Fleet({ url: csms.url, stations: 30, versions: ['1.6', '2.0.1', '2.1'], concurrency: 5, idPrefix: 'FLT', callTimeoutMs: 2000 });
      try {
        const snap = await fleet.start();
        assert.equal(snap.startup.maxInFlight, 5);
        assert.deepEqual(
          [snap.stations.total, snap.stations.connected, snap.stations.accepted, snap.stations.pending, snap.stations.rejected],
          [30, 30, 10, 10, 10],
        );
        assert.equal(snap.stations.connectFailed + snap.stations.bootFailed + snap.protocolErrors, 0);
        const boot = snap.calls['BootNotification']!;
        assert.equal(boot.count, 30);
        assert.equal(boot.ok, 30);
        assert.ok(boot.p50 >= 14 && boot.p99 >= boot.p50 && boot.max >= boot.p99, JSON.stringify(boot));
        assert.equal(snap.calls['StatusNotification']!.ok, 20, '2 connectors x 10 accepted stations');
        assert.deepEqual(fleet.stations.map((s) => s.id).slice(0, 2), ['FLT-0001', 'FLT-0002']);
        assert.deepEqual(
          csms.connections.slice().sort((a, b) => a.id.localeCompare(b.id)).slice(0, 3).map((c) => c.version),
          ['1.6', '2.0.1', '2.1'],
        );
        assert.match(formatSummary(snap), /BootNotification\s+30\s+30/);
      } finally {
        await fleet.stop();
      }
      assert.equal(fleet.snapshot().stations.connected, 0);
      assert.equal(fleet.snapshot().stations.unexpectedCloses, 0);
    });
  });

  it('counts failed connections (wrong password) without failing the rest', async () => {
    const authorize = (req: { headers: Record<string, string | string[] | undefined>; url?: string }) => {
      const id = decodeURIComponent(String(req.url).split('/').pop()!);
      return req.headers['authorization'] === 'Basic ' + Buffer.from(`${id}:good`).toString('base64') ? (true as const) : 401;
    };
    await withCsms({ authorize }, async (csms) => {
      const fleet = new Fleet({ url: csms.url, stations: 10, password: (_id, i) => (i % 2 ? 'bad' : 'good'), idPrefix: 'PW' });
      try {
        const snap = await fleet.start();
        assert.equal(snap.stations.connectFailed, 5);
        assert.equal(snap.stations.accepted, 5);
        assert.ok(snap.errors.recent.some((e) => /HTTP 401/.test(e)), snap.errors.recent.join('\n'));
      } finally {
        await fleet.stop();
      }
    });
  });

  it('counts stations dropped by the CSMS', async () => {
    await withCsms({}, async (csms) => {
      const fleet = new Fleet({ url: csms.url, stations: 4, idPrefix: 'DROP' });
      try {
        await fleet.start();
        csms.byId('DROP-0002')!.ws.close(1001, 'going away');
        await eventually('drop counted', () => fleet.snapshot().stations.unexpectedCloses === 1);
        assert.equal(fleet.snapshot().stations.connected, 3);
      } finally {
        await fleet.stop();
      }
    });
  });
});

describe('sim CLI', () => {
  it('runs a fleet, prints periodic one-line status, and stops cleanly on SIGINT', async () => {
    await withCsms({}, async (csms) => {
      const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
      const child = spawn(process.execPath, [cli, '--url', csms.url, '--stations', '4', '--version', '1.6,2.0.1', '--heartbeat', '0.2', '--status', '0.2'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await eventually('fleet started and two status lines', () => /sim: started/.test(out) && (out.match(/^t=/gm) ?? []).length >= 2, 10_000);
        child.kill('SIGINT');
        assert.equal(await exited, 0, err);
      } finally {
        child.kill('SIGKILL');
      }
      assert.match(out, /sim: 4 station\(s\) \[1\.6, 2\.0\.1\]/);
      assert.match(out, /^t=\d+s \| stations 4\/4 up \| acc 4 pend 0 rej 0 \| calls \d+ fail 0/m);
      assert.match(out, /stopping \(SIGINT\)/);
      assert.match(out, /Heartbeat\s+\d+/);
      assert.deepEqual(csms.connections.map((c) => c.version).sort(), ['1.6', '1.6', '2.0.1', '2.0.1']);
    });
  });

  it('rejects bad arguments with exit code 2 and usage', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli, '--version', '1.5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /unknown OCPP version "1\.5"/);
    assert.match(err, /Usage: npm run sim/);
  });
});

// =============================================================================================
// (b) acceptance: the walking skeleton against the real server

interface ApiConnector {
  connectorId: number;
  status: string;
  errorCode: string | null;
}
interface ApiStation {
  id: string;
  registration: string;
  ocppVersion: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  connected: boolean;
  lastSeen: string | null;
  lastBootAt: string | null;
  evses: Array<{ evseId: number; connectors: ApiConnector[] }>;
}

describe('acceptance: 200 simulated stations against the real server', () => {
  const PER_VERSION = 100;
  const KEEPALIVE_SECONDS = 1;
  let server: { baseUrl: string; token: string; stop(): Promise<void> };
  let fleet: Fleet;
  let started: FleetSnapshot;
  /** Frames from the server that are not valid OCPP-J or violate the OCPP JSON schemas. */
  const serverFrameProblems: string[] = [];
  let serverResultsChecked = 0;

  const checkServerFrames = (station: SimStation) => {
    const sentActions = new Map<string, string>();
    station.on('frame', (direction, text) => {
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        if (direction === 'in') serverFrameProblems.push(`${station.id}: not JSON: ${text}`);
        return;
      }
      if (!Array.isArray(msg)) return void serverFrameProblems.push(`${station.id}: not an array: ${text}`);
      if (direction === 'out') {
        if (msg[0] === 2) sentActions.set(msg[1], msg[2]);
        return;
      }
      const action = msg[0] === 2 ? msg[2] : sentActions.get(msg[1]);
      if (msg[0] === 3 && action) {
        serverResultsChecked++;
        const err = schemaError(station.version, action, 'response', msg[2]);
        if (err) serverFrameProblems.push(`${station.id}: ${err}: ${text}`);
      } else if (msg[0] === 2) {
        const err = schemaError(station.version, String(action), 'request', msg[3]);
        if (err) serverFrameProblems.push(`${station.id}: CSMS CALL ${err}: ${text}`);
      } else if (msg[0] === 4) {
        serverFrameProblems.push(`${station.id}: CALLERROR for ${action}: ${text}`);
      }
    });
  };

  // station i: even -> 1.6, odd -> 2.0.1; k = floor(i/2) alternates the second connector's status
  const expectedConnector2 = (version: OcppVersion, k: number) =>
    version === '1.6' ? (k % 2 === 0 ? 'charging' : 'faulted') : k % 2 === 0 ? 'occupied' : 'unavailable';

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${server.token}` } });
    const text = await res.text();
    assert.equal(res.status, 200, `GET ${path} -> ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };

  before(async () => {
    let mod: typeof import('../../src/testing/server.ts');
    try {
      mod = await import('../../src/testing/server.ts');
    } catch (err) {
      throw new Error(`cannot load the real server (src/testing/server.ts): ${(err as Error).message}`);
    }
    server = await mod.startTestServer({ acceptUnknownStations: true, keepaliveSeconds: KEEPALIVE_SECONDS });
    const wsBase = new URL('/ocpp', server.baseUrl.replace(/^http/, 'ws')).toString();
    fleet = new Fleet({
      url: wsBase,
      stations: PER_VERSION * 2,
      versions: ['1.6', '2.0.1'],
      idPrefix: 'ACC',
      concurrency: 50,
      connectors: 2,
      callTimeoutMs: 10_000,
      onStation: checkServerFrames,
      stationOptions: (i) => ({ vendor: 'AmpyardSim', model: `Model-${i % 5}`, serial: `SER${i}`, firmware: `fw-${i % 3}` }),
      boot: (station, i) => {
        const k = Math.floor(i / 2);
        return {
          initialHeartbeat: true,
          initialStatus: (c: number) => {
            if (c === 1) return 'Available';
            if (station.version === '1.6') return k % 2 === 0 ? 'Charging' : ['Faulted', 'GroundFailure'];
            return k % 2 === 0 ? 'Occupied' : 'Unavailable';
          },
        };
      },
    });
    started = await fleet.start();
  });

  after(async () => {
    await fleet?.stop();
    await server?.stop();
  });

  it('all 200 stations connect, boot Accepted, and get their 2 StatusNotifications and a Heartbeat answered', (t) => {
    t.diagnostic(formatSummary(started));
    assert.deepEqual(started.errors.recent, [], 'errors seen by the simulated fleet');
    const st = started.stations;
    assert.deepEqual(
      { connected: st.connected, accepted: st.accepted, pending: st.pending, rejected: st.rejected, connectFailed: st.connectFailed, bootFailed: st.bootFailed },
      { connected: 200, accepted: 200, pending: 0, rejected: 0, connectFailed: 0, bootFailed: 0 },
    );
    assert.equal(started.calls['BootNotification']?.ok, 200);
    assert.equal(started.calls['StatusNotification']?.ok, 400);
    assert.equal(started.calls['Heartbeat']?.ok, 200);
    assert.equal(started.totalCallFailures, 0);
    assert.equal(started.protocolErrors, 0);
    assert.deepEqual(serverFrameProblems.slice(0, 10), [], 'server frames that are not schema-valid OCPP');
    assert.ok(serverResultsChecked >= 800, `checked ${serverResultsChecked} CALLRESULTs against the schemas`);
    for (const s of fleet.stations) assert.ok(s.serverIntervalSec > 0, `${s.id}: boot interval ${s.serverIntervalSec}`);
  });

  it('GET /api/v1/stations lists all 200 as connected with the right ocppVersion, identity and connector statuses', async () => {
    const body = await api<{ items: ApiStation[]; total: number }>('/api/v1/stations');
    assert.equal(body.total, 200, 'total');
    assert.equal(body.items.length, 200, 'items');
    const byId = new Map(body.items.map((s) => [s.id, s]));
    const problems: string[] = [];
    fleet.stations.forEach((sim, i) => {
      const s = byId.get(sim.id);
      if (!s) return void problems.push(`${sim.id}: missing from the list`);
      const want = {
        connected: true,
        registration: 'accepted',
        ocppVersion: sim.version,
        vendor: sim.vendor,
        model: sim.model,
        serialNumber: sim.serial,
        firmwareVersion: sim.firmware,
      };
      const got = {
        connected: s.connected,
        registration: s.registration,
        ocppVersion: s.ocppVersion,
        vendor: s.vendor,
        model: s.model,
        serialNumber: s.serialNumber,
        firmwareVersion: s.firmwareVersion,
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${sim.id}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      if (!s.lastBootAt || !s.lastSeen) problems.push(`${sim.id}: lastBootAt=${s.lastBootAt} lastSeen=${s.lastSeen}`);
      const connectorOf = (evseId: number) => s.evses.find((e) => e.evseId === evseId)?.connectors.find((c) => c.connectorId === 1);
      const c1 = connectorOf(1);
      const c2 = connectorOf(2);
      const k = Math.floor(i / 2);
      const want2 = expectedConnector2(sim.version, k);
      if (c1?.status !== 'available') problems.push(`${sim.id} (${sim.version}): evse 1 connector 1 status ${c1?.status}, expected available`);
      if (c2?.status !== want2) problems.push(`${sim.id} (${sim.version}): evse 2 connector 1 status ${c2?.status}, expected ${want2}`);
      if (want2 === 'faulted' && String(c2?.errorCode).toLowerCase().replace(/[^a-z]/g, '') !== 'groundfailure') {
        problems.push(`${sim.id}: faulted connector errorCode ${JSON.stringify(c2?.errorCode)}, expected GroundFailure`);
      }
      if (s.evses.length !== 2) problems.push(`${sim.id}: ${s.evses.length} EVSEs, expected 2 (${JSON.stringify(s.evses.map((e) => e.evseId))})`);
    });
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} station(s) wrong`);
    const health = await api<{ status: string; stationsConnected: number }>('/api/v1/health');
    assert.equal(health.status, 'ok');
    assert.equal(health.stationsConnected, 200);
  });

  it('a half-open (silent) station and a destroyed socket both show connected:false within a few keepalive windows; the rest stay connected', async (t) => {
    const silent = fleet.stations[0]!; // 1.6
    const dropped = fleet.stations[1]!; // 2.0.1
    const deadlineMs = 6 * KEEPALIVE_SECONDS * 1000;
    const t0 = Date.now();
    silent.goSilent();
    await dropped.destroy();
    const seenDisconnected = new Map<string, number>();
    while (seenDisconnected.size < 2 && Date.now() - t0 < deadlineMs) {
      for (const s of [silent, dropped]) {
        if (seenDisconnected.has(s.id)) continue;
        const st = await api<ApiStation>(`/api/v1/stations/${encodeURIComponent(s.id)}`);
        if (st.connected === false) seenDisconnected.set(s.id, Date.now() - t0);
      }
      await sleep(100);
    }
    t.diagnostic(`disconnect noticed after: ${JSON.stringify(Object.fromEntries(seenDisconnected))} ms`);
    assert.ok(seenDisconnected.has(dropped.id), `destroyed station ${dropped.id} still connected:true after ${deadlineMs} ms`);
    assert.ok(seenDisconnected.has(silent.id), `silent (half-open) station ${silent.id} still connected:true after ${deadlineMs} ms (keepalive ${KEEPALIVE_SECONDS}s)`);

    // Healthy stations answer the keepalive pings and must not be dropped meanwhile.
    await sleep(2 * KEEPALIVE_SECONDS * 1000);
    const body = await api<{ items: ApiStation[] }>('/api/v1/stations');
    const stillConnected = body.items.filter((s) => s.connected).map((s) => s.id);
    assert.equal(stillConnected.length, 198, `connected after the two drops: ${stillConnected.length}`);
    assert.ok(!stillConnected.includes(silent.id) && !stillConnected.includes(dropped.id));
    const snap = fleet.snapshot();
    assert.equal(snap.stations.connected, 198, 'simulator side: 198 healthy connections');
    assert.equal(snap.stations.unexpectedCloses, 0, 'the server closed no healthy station');
    const health = await api<{ stationsConnected: number }>('/api/v1/health');
    assert.equal(health.stationsConnected, 198);
    await silent.destroy();
  });
});
