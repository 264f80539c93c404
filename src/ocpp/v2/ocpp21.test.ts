import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { RawClient, eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';
import { ocpp21Replies } from './ocpp21.ts';

const require = createRequire(import.meta.url);
const ids = (file: string) => (require(`ocpp-rpc/lib/schemas/${file}`) as Array<{ $id: string }>).map((s) => s.$id.replace(/^urn:/, ''));
const actionsOf = (file: string) => new Set(ids(file).filter((id) => /(Request|\.req)$/.test(id)).map((id) => id.replace(/(Request|\.req)$/, '')));

/** 2.1-only actions the CSMS sends (the station answers them); Ampyard sends these only through the raw OCPP endpoint. */
const csmsToStation21 = [
  'AdjustPeriodicEventStream', 'AFRRSignal', 'ChangeTransactionTariff', 'ClearDERControl', 'ClearTariffs', 'GetDERControl',
  'GetPeriodicEventStream', 'GetTariffs', 'NotifyAllowedEnergyTransfer', 'NotifyWebPaymentStarted', 'RequestBatterySwap',
  'SetDefaultTariff', 'SetDERControl', 'UpdateDynamicSchedule', 'UsePriorityCharging',
];

const now = new Date().toISOString();
const hashData = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' };
/** A schema-valid example of every 2.1-only station→CSMS CALL. */
const examples: Record<string, Record<string, unknown>> = {
  NotifyDERAlarm: { controlType: 'HVMustTrip', gridEventFault: 'OverVoltage', timestamp: now, extraInfo: 'L2 at 262 V' },
  NotifyDERStartStop: { controlId: 'ctl-1', started: true, timestamp: now },
  ReportDERControl: { requestId: 5, fixedVar: [{ id: 'fv-1', isDefault: true, isSuperseded: false, fixedVar: { priority: 1, setpoint: 10, unit: 'PctMaxVar' } }] },
  NotifySettlement: { transactionId: 'TX-1', pspRef: 'psp-77', status: 'Settled', settlementAmount: 12.5, settlementTime: now },
  NotifyPriorityCharging: { transactionId: 'TX-1', activated: true },
  BatterySwap: { eventType: 'BatteryIn', requestId: 3, idToken: { idToken: 'SWAP-1', type: 'ISO14443' }, batteryData: [{ evseId: 1, serialNumber: 'BAT-1', soC: 80, soH: 97 }] },
  OpenPeriodicEventStream: { constantStreamData: { id: 1, variableMonitoringId: 7, params: { interval: 1, values: 10 } } },
  ClosePeriodicEventStream: { id: 1 },
  PullDynamicScheduleUpdate: { chargingProfileId: 100 },
  VatNumberValidation: { vatNumber: 'NL123456789B01', evseId: 1 },
  GetCertificateChainStatus: { certificateStatusRequests: [{ certificateHashData: hashData, source: 'OCSP', urls: ['http://ocsp.example'] }] },
};

describe('OCPP 2.1-only messages', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('the station→CSMS ones are exactly those Ampyard answers (the schema list and the handler table agree)', () => {
    const only21 = [...actionsOf('ocpp2_1.json')].filter((a) => !actionsOf('ocpp2_0_1.json').has(a)).sort();
    const stationToCsms = only21.filter((a) => !csmsToStation21.includes(a));
    assert.deepEqual(stationToCsms, Object.keys(ocpp21Replies).sort());
    assert.deepEqual(Object.keys(examples).sort(), stationToCsms);
  });

  it('every one gets an answer the strict 2.1 client accepts (or the intended NotSupported), and is stored', async () => {
    const cs = await strictStation(server, 'V21-ALL', '2.1');
    const strictFailures: unknown[] = [];
    cs.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
    const answers: Record<string, unknown> = {};
    try {
      for (const [action, payload] of Object.entries(examples)) {
        try {
          answers[action] = await cs.call(action, payload);
        } catch (error: any) {
          answers[action] = { error: error.rpcErrorCode ?? error.message };
        }
      }
    } finally {
      await cs.close({ force: true });
    }
    assert.deepEqual(answers, {
      NotifyDERAlarm: {},
      NotifyDERStartStop: {},
      ReportDERControl: {},
      NotifySettlement: {},
      NotifyPriorityCharging: {},
      BatterySwap: {},
      OpenPeriodicEventStream: { status: 'Accepted' },
      ClosePeriodicEventStream: {},
      PullDynamicScheduleUpdate: { status: 'Rejected', statusInfo: { reasonCode: 'NoUpdate', additionalInfo: 'Ampyard does not manage dynamic charging schedules' } },
      VatNumberValidation: { error: 'NotSupported' },
      GetCertificateChainStatus: { error: 'NotSupported' },
    });
    assert.deepEqual(strictFailures, []);
    const stored = (await getJson(api('/stations/V21-ALL/ocpp21-messages'))).body.items;
    assert.deepEqual(stored.map((m: any) => m.action).reverse(), Object.keys(examples));
    const alarm = stored.find((m: any) => m.action === 'NotifyDERAlarm');
    assert.deepEqual([alarm.kind, alarm.payload, alarm.answer], ['call', examples['NotifyDERAlarm'], {}]);
    assert.deepEqual(stored.find((m: any) => m.action === 'VatNumberValidation').answer, { error: 'NotSupported', description: 'Ampyard cannot validate VAT numbers' });
    const onlyDer = (await getJson(api('/stations/V21-ALL/ocpp21-messages?action=NotifyDERStartStop'))).body.items;
    assert.deepEqual(onlyDer.map((m: any) => m.payload.controlId), ['ctl-1']);
    assert.equal((await getJson(api('/stations/V21-ALL/ocpp21-messages?limit=0'))).status, 400);
    assert.equal((await getJson(api('/stations/NOPE/ocpp21-messages'))).status, 404);
  });

  it('NotifyPeriodicEventStream (a SEND: no answer) is stored; an invalid one and one from a station not accepted are not', async () => {
    await postJson(api('/stations'), { id: 'V21-SEND' });
    const raw = await RawClient.connect(server.wsUrl('V21-SEND'), 'ocpp2.1');
    try {
      const boot = await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'Send' } });
      assert.equal((boot[2] as any).status, 'Accepted');
      const stream = { id: 1, pending: 0, basetime: now, data: [{ t: 0, v: '230.1' }, { t: 1, v: '230.4' }] };
      raw.sendRaw(JSON.stringify([6, 's-1', 'NotifyPeriodicEventStream', stream]));
      raw.sendRaw(JSON.stringify([6, 's-2', 'NotifyPeriodicEventStream', { id: 1 }]));
      const stored = await eventually(async () => {
        const items = (await getJson(api('/stations/V21-SEND/ocpp21-messages'))).body.items;
        return items.length > 0 ? items : undefined;
      }, 3000, 'the stream data');
      assert.deepEqual(stored.map((m: any) => [m.action, m.kind, m.payload, m.answer]), [['NotifyPeriodicEventStream', 'send', stream, null]]);
      await assert.rejects(raw.next(200), 'a SEND gets no answer, not even an error');
    } finally {
      await raw.close();
    }

    const pending = await RawClient.connect(server.wsUrl('V21-UNKNOWN'), 'ocpp2.1');
    try {
      await pending.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'Send' } });
      pending.sendRaw(JSON.stringify([6, 's-3', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: now, data: [{ t: 0, v: '1' }] }]));
      const call = await pending.call('NotifyDERAlarm', examples['NotifyDERAlarm']);
      assert.deepEqual([call[0], call[2]], [4, 'SecurityError'], 'a station not accepted may only boot');
      assert.deepEqual((await getJson(api('/stations/V21-UNKNOWN/ocpp21-messages'))).body.items, []);
    } finally {
      await pending.close();
    }
  });

  it('a 2.0.1 station cannot send them: NotImplemented (2.0.1 has no such action)', async () => {
    await postJson(api('/stations'), { id: 'V201-DER' });
    const raw = await RawClient.connect(server.wsUrl('V201-DER'), 'ocpp2.0.1');
    try {
      await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'Old' } });
      const answer = await raw.call('NotifyDERAlarm', examples['NotifyDERAlarm']);
      assert.deepEqual([answer[0], answer[2]], [4, 'NotImplemented']);
      assert.deepEqual((await getJson(api('/stations/V201-DER/ocpp21-messages'))).body.items, []);
    } finally {
      await raw.close();
    }
  });
});
