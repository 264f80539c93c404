import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../domain/events.ts';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const now = () => new Date().toISOString();
const evse1Power = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };

/** Answers every monitoring/customer-information call from the queue of its action (default: Accepted) and records what came. */
function monitoredStation(cs: StrictClient) {
  const received: Array<{ action: string; params: any }> = [];
  const answers: Record<string, unknown[]> = {};
  const strictFailures: unknown[] = [];
  cs.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  for (const action of ['SetVariableMonitoring', 'ClearVariableMonitoring', 'SetMonitoringBase', 'SetMonitoringLevel', 'GetMonitoringReport', 'CustomerInformation']) {
    cs.handle(action, async ({ params }: any) => {
      received.push({ action, params });
      return answers[action]?.shift() ?? { status: 'Accepted' };
    });
  }
  return { received, answers, strictFailures };
}

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`OCPP ${version} diagnostics: events, alarms, monitors, customer information (strict ocpp-rpc station)`, () => {
    let server: TestServer;
    const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
    const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
    const published: DomainEvent[] = [];
    const tag = version.replaceAll('.', '');

    before(async () => {
      server = await startTestServer();
      server.appliance.services.events.subscribe((e) => {
        if (e.type.startsWith('alarm.')) published.push(e);
      });
    });
    after(() => server.stop());

    it('monitors set, cleared and reported; severity of a monitor carries into its events; events become alarms until cleared', async () => {
      const id = `DIAG-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = monitoredStation(cs);
      try {
        station.answers['SetVariableMonitoring'] = [
          {
            setMonitoringResult: [
              { id: 7, status: 'Accepted', type: 'UpperThreshold', severity: 2, ...evse1Power },
              { status: 'UnknownVariable', type: 'Delta', severity: 5, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Nope' }, statusInfo: { reasonCode: 'NoSuchVariable' } },
            ],
          },
        ];
        const set = await command(id, 'setVariableMonitoring', {
          monitors: [
            { component: 'EVSE', evseId: 1, variable: 'Power', type: 'UpperThreshold', value: 22000, severity: 2 },
            { component: 'EVSE', evseId: 1, variable: 'Nope', type: 'Delta', value: 5, severity: 5, transaction: true },
          ],
        });
        assert.equal(set.status, 200, JSON.stringify(set.body));
        assert.equal(set.body.status, 'partial');
        assert.deepEqual(set.body.result.map((r: any) => [r.id, r.status, r.variable, r.reason]), [[7, 'Accepted', 'Power', null], [null, 'UnknownVariable', 'Nope', 'NoSuchVariable']]);
        assert.deepEqual(station.received[0], {
          action: 'SetVariableMonitoring',
          params: {
            setMonitoringData: [
              { value: 22000, type: 'UpperThreshold', severity: 2, ...evse1Power },
              { transaction: true, value: 5, type: 'Delta', severity: 5, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Nope' } },
            ],
          },
        });
        let inventory = (await getJson(api(`/stations/${id}/monitors`))).body;
        assert.deepEqual(
          inventory.items.map((m: any) => [m.id, m.component, m.evseId, m.variable, m.type, m.value, m.severity, m.transaction, m.source]),
          [[7, 'EVSE', 1, 'Power', 'UpperThreshold', 22000, 2, false, 'ampyard']],
        );

        // Part 0: a threshold crossed (monitor 7), a hard-wired problem, a periodic reading.
        const part0 = {
          generatedAt: now(),
          seqNo: 0,
          tbc: true,
          eventData: [
            { eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: '23100', ...evse1Power, variableMonitoringId: 7, eventNotificationType: 'CustomMonitor', techCode: 'OVR' },
            { eventId: 2, timestamp: now(), trigger: 'Delta', actualValue: 'true', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification', techInfo: 'lock motor' },
            { eventId: 3, timestamp: now(), trigger: 'Periodic', actualValue: '230.1', component: { name: 'ChargingStation' }, variable: { name: 'ACVoltage' }, eventNotificationType: 'PreconfiguredMonitor', variableMonitoringId: 99 },
          ],
        };
        assert.deepEqual(await cs.call('NotifyEvent', part0), {});
        assert.deepEqual(await cs.call('NotifyEvent', part0), {}, 'a repeated part is acknowledged');
        const events = (await getJson(api(`/stations/${id}/events`))).body.items;
        assert.equal(events.length, 3, 'the repeat stored nothing');
        const alerting = events.find((e: any) => e.eventId === 1);
        assert.deepEqual(
          [alerting.trigger, alerting.actualValue, alerting.component, alerting.evseId, alerting.variable, alerting.variableMonitoringId, alerting.severity, alerting.techCode, alerting.alarm, alerting.seqNo],
          ['Alerting', '23100', 'EVSE', 1, 'Power', 7, 2, 'OVR', 'active', 0],
        );
        assert.equal(events.find((e: any) => e.eventId === 3).alarm, null, 'a periodic reading is no alarm');
        let active = (await getJson(api(`/alarms?active=true&stationId=${id}`))).body;
        assert.deepEqual(active.items.map((a: any) => a.eventId).sort(), [1, 2]);
        assert.equal(active.total, 2);
        assert.deepEqual(published.filter((e) => e.type === 'alarm.raised' && e.data.stationId === id).length, 2);

        // Part 1: both return to normal.
        await cs.call('NotifyEvent', {
          generatedAt: now(),
          seqNo: 1,
          eventData: [
            { eventId: 4, timestamp: now(), trigger: 'Alerting', actualValue: '21000', ...evse1Power, variableMonitoringId: 7, eventNotificationType: 'CustomMonitor', cleared: true },
            { eventId: 5, timestamp: now(), trigger: 'Delta', actualValue: 'false', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification' },
          ],
        });
        active = (await getJson(api(`/alarms?active=true&stationId=${id}`))).body;
        assert.equal(active.total, 0);
        const cleared = (await getJson(api(`/alarms?active=false&stationId=${id}`))).body.items;
        assert.deepEqual(cleared.map((a: any) => [a.eventId, a.alarm, a.clearedBy]).sort(), [[1, 'cleared', 'station'], [2, 'cleared', 'station']]);
        assert.equal(published.filter((e) => e.type === 'alarm.cleared' && e.data.stationId === id).length, 2);

        // The operator clears an alarm the station never will; twice is a conflict; unknown ids are 404.
        await cs.call('NotifyEvent', {
          generatedAt: now(),
          seqNo: 0,
          eventData: [{ eventId: 6, timestamp: now(), trigger: 'Delta', actualValue: 'Faulted', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, eventNotificationType: 'HardWiredNotification' }],
        });
        const faulted = (await getJson(api(`/alarms?active=true&stationId=${id}`))).body.items[0];
        assert.equal(faulted.eventId, 6);
        const byOperator = await postJson(api(`/alarms/${faulted.id}/clear`));
        assert.equal(byOperator.status, 200);
        assert.deepEqual([byOperator.body.alarm, byOperator.body.clearedBy], ['cleared', 'operator']);
        assert.equal((await postJson(api(`/alarms/${faulted.id}/clear`))).status, 409);
        assert.equal((await postJson(api(`/alarms/${events.find((e: any) => e.eventId === 3).id}/clear`))).status, 404, 'an event that is no alarm');
        assert.equal((await postJson(api('/alarms/99999999/clear'))).status, 404);
        assert.equal((await getJson(api('/alarms?active=maybe'))).status, 400);

        // Clearing monitors: NotFound ones are gone too.
        station.answers['ClearVariableMonitoring'] = [{ clearMonitoringResult: [{ id: 7, status: 'Accepted' }, { id: 99, status: 'NotFound' }] }];
        const clearedMonitors = await command(id, 'clearVariableMonitoring', { ids: [7, 99] });
        assert.equal(clearedMonitors.body.status, 'partial');
        assert.deepEqual(station.received.at(-1), { action: 'ClearVariableMonitoring', params: { id: [7, 99] } });
        inventory = (await getJson(api(`/stations/${id}/monitors`))).body;
        assert.deepEqual(inventory.items, []);

        // Base and level: kept when accepted only.
        assert.equal((await command(id, 'setMonitoringBase', { base: 'HardWiredOnly' })).body.status, 'accepted');
        station.answers['SetMonitoringLevel'] = [{ status: 'Rejected' }];
        assert.equal((await command(id, 'setMonitoringLevel', { severity: 4 })).body.status, 'rejected');
        assert.equal((await command(id, 'setMonitoringLevel', { severity: 8 })).body.status, 'accepted');
        inventory = (await getJson(api(`/stations/${id}/monitors`))).body;
        assert.deepEqual([inventory.monitoringBase, inventory.monitoringLevel], ['HardWiredOnly', 8]);
        assert.deepEqual(station.received.slice(-3).map((r) => r.params), [{ monitoringBase: 'HardWiredOnly' }, { severity: 4 }, { severity: 8 }]);
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('an unfiltered monitoring report, in parts, replaces the inventory', async () => {
      const id = `MONREP-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = monitoredStation(cs);
      try {
        station.answers['SetVariableMonitoring'] = [{ setMonitoringResult: [{ id: 50, status: 'Accepted', type: 'Delta', severity: 6, ...evse1Power }] }];
        await command(id, 'setVariableMonitoring', { monitors: [{ component: 'EVSE', evseId: 1, variable: 'Power', type: 'Delta', value: 1000, severity: 6 }] });
        const asked = await command(id, 'getMonitoringReport', {});
        assert.equal(asked.body.status, 'accepted');
        const requestId = asked.body.result.requestId;
        assert.deepEqual(station.received.at(-1), { action: 'GetMonitoringReport', params: { requestId } });
        const monitor = (mid: number, type: string, severity: number) => ({
          id: mid,
          transaction: false,
          value: 10,
          type,
          severity,
          ...(version === '2.1' ? { eventNotificationType: 'PreconfiguredMonitor' } : {}),
        });
        await cs.call('NotifyMonitoringReport', { requestId, seqNo: 0, tbc: true, generatedAt: now(), monitor: [{ component: { name: 'ChargingStation' }, variable: { name: 'ACVoltage' }, variableMonitoring: [monitor(1, 'Periodic', 8)] }] });
        let inventory = (await getJson(api(`/stations/${id}/monitors`))).body;
        assert.deepEqual(inventory.items.map((m: any) => m.id), [1, 50], 'not replaced before the last part');
        await cs.call('NotifyMonitoringReport', { requestId, seqNo: 1, generatedAt: now(), monitor: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' }, variableMonitoring: [monitor(2, 'UpperThreshold', 1), monitor(3, 'LowerThreshold', 3)] }] });
        inventory = (await getJson(api(`/stations/${id}/monitors`))).body;
        assert.deepEqual(inventory.items.map((m: any) => [m.id, m.component, m.variable, m.type, m.severity, m.source, m.eventNotificationType]), [
          [1, 'ChargingStation', 'ACVoltage', 'Periodic', 8, 'report', version === '2.1' ? 'PreconfiguredMonitor' : null],
          [2, 'EVSE', 'Temperature', 'UpperThreshold', 1, 'report', version === '2.1' ? 'PreconfiguredMonitor' : null],
          [3, 'EVSE', 'Temperature', 'LowerThreshold', 3, 'report', version === '2.1' ? 'PreconfiguredMonitor' : null],
        ]);
        assert.deepEqual([inventory.reports[0].requestId, inventory.reports[0].status, inventory.reports[0].partsReceived, !!inventory.reports[0].completedAt], [requestId, 'Accepted', 2, true]);

        // A filtered report only adds what it lists.
        station.answers['GetMonitoringReport'] = [{ status: 'EmptyResultSet' }];
        const filtered = await command(id, 'getMonitoringReport', { criteria: ['DeltaMonitoring'], components: [{ component: 'EVSE', evseId: 1 }] });
        assert.equal(filtered.body.status, 'emptyresultset');
        assert.deepEqual(station.received.at(-1)!.params, { requestId: filtered.body.result.requestId, monitoringCriteria: ['DeltaMonitoring'], componentVariable: [{ component: { name: 'EVSE', evse: { id: 1 } } }] });
        assert.equal((await getJson(api(`/stations/${id}/monitors`))).body.items.length, 3);
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('customer information: requested by id token, the parts arrive and are kept in order', async () => {
      const id = `CUST-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = monitoredStation(cs);
      try {
        const asked = await command(id, 'customerInformation', { idToken: { idToken: 'RFID-9', type: 'ISO14443' }, clear: true });
        assert.equal(asked.body.status, 'accepted');
        const requestId = asked.body.result.requestId;
        assert.deepEqual(station.received.at(-1), { action: 'CustomerInformation', params: { requestId, report: true, clear: true, idToken: { idToken: 'RFID-9', type: 'ISO14443' } } });
        await cs.call('NotifyCustomerInformation', { requestId, seqNo: 1, generatedAt: now(), data: 'sessions: 14' });
        let info = (await getJson(api(`/stations/${id}/customer-information`))).body.items[0];
        assert.deepEqual([info.complete, info.data], [false, 'sessions: 14']);
        await cs.call('NotifyCustomerInformation', { requestId, seqNo: 0, tbc: true, generatedAt: now(), data: 'token RFID-9; ' });
        info = (await getJson(api(`/stations/${id}/customer-information`))).body.items[0];
        assert.deepEqual([info.requestId, info.status, info.complete, info.data, info.params.clear, info.params.idToken.idToken], [requestId, 'Accepted', true, 'token RFID-9; sessions: 14', true, 'RFID-9']);

        station.answers['CustomerInformation'] = [{ status: 'Invalid' }];
        const invalid = await command(id, 'customerInformation', { customerIdentifier: 'cust-42', report: true });
        assert.equal(invalid.body.status, 'invalid');

        const nobody = await command(id, 'customerInformation', { report: true });
        assert.equal(nobody.status, 400);
        assert.equal(nobody.body.error.details.fields[0].field, 'customerIdentifier');
        const nothing = await command(id, 'customerInformation', { customerIdentifier: 'x', report: false, clear: false });
        assert.equal(nothing.status, 400);
        assert.equal(nothing.body.error.details.fields[0].field, 'report');
        const badHash = await command(id, 'customerInformation', { customerCertificate: { hashAlgorithm: 'MD5', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c' } });
        assert.equal(badHash.status, 400);
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('error paths: bad parameters 400, unknown station 404, offline 409, a version-only monitor type 400 on 2.0.1', async () => {
      const id = `DIAGERR-${tag}`;
      const cs = await strictStation(server, id, version);
      const station = monitoredStation(cs);
      try {
        const bad = await command(id, 'setVariableMonitoring', { monitors: [{ component: 'EVSE', variable: 'Power', type: 'UpperThreshold', value: 1, severity: 12 }] });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error.details.fields[0].field, 'monitors.0.severity');
        assert.equal((await command(id, 'setMonitoringBase', { base: 'Some' })).status, 400);
        assert.equal((await command(id, 'clearVariableMonitoring', { ids: [] })).status, 400);
        station.answers['SetVariableMonitoring'] = [{ setMonitoringResult: [{ id: 3, status: 'Accepted', type: 'TargetDelta', severity: 5, component: { name: 'EVSE' }, variable: { name: 'Power' } }] }];
        const target = await command(id, 'setVariableMonitoring', { monitors: [{ component: 'EVSE', variable: 'Power', type: 'TargetDelta', value: 1, severity: 5 }] });
        if (version === '2.0.1') {
          assert.equal(target.status, 400);
          assert.equal(target.body.error.details.fields[0].field, 'monitors.0.type');
        } else {
          assert.equal(target.status, 200, 'TargetDelta exists in 2.1');
          assert.equal(target.body.status, 'accepted');
        }
        assert.equal((await command('NO-SUCH-STATION', 'setMonitoringLevel', { severity: 3 })).status, 404);
        assert.equal((await getJson(api('/stations/NO-SUCH-STATION/events'))).status, 404);
        assert.equal((await getJson(api('/stations/NO-SUCH-STATION/monitors'))).status, 404);
        assert.equal((await getJson(api('/stations/NO-SUCH-STATION/customer-information'))).status, 404);
        assert.deepEqual(station.strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
      await eventually(async () => (await getJson(api(`/stations/${id}`))).body.connected === false, 3000, 'disconnect');
      const offline = await command(id, 'setMonitoringLevel', { severity: 3 });
      assert.equal(offline.status, 409);
      assert.equal(offline.body.error.code, 'station_offline');
    });
  });
}

describe('diagnostics commands on an OCPP 1.6 station', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('are refused as unsupported (422)', async () => {
    const cp = await strictStation(server, 'DIAG-16', '1.6');
    try {
      for (const [name, params] of [
        ['setMonitoringLevel', { severity: 3 }],
        ['getMonitoringReport', {}],
        ['customerInformation', { customerIdentifier: 'x' }],
      ] as const) {
        const answer = await postJson(`${server.baseUrl}/api/v1/stations/DIAG-16/commands/${name}`, params);
        assert.equal(answer.status, 422, name);
        assert.equal(answer.body.error.code, 'unsupported');
      }
    } finally {
      await cp.close({ force: true });
    }
  });
});
