import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../domain/events.ts';
import { RawClient, eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const schedule = (id: number, unit: 'A' | 'W', limits: number[], extra: Record<string, unknown> = {}) => ({
  id,
  chargingRateUnit: unit,
  chargingSchedulePeriod: limits.map((limit, i) => ({ startPeriod: i * 900, limit })),
  ...extra,
});

function watchStrictness(cs: StrictClient): unknown[] {
  const failures: unknown[] = [];
  cs.on('strictValidationFailure', (e: unknown) => failures.push(e));
  return failures;
}

describe('OCPP 2.x smart charging reported by stations (K): profiles, external limits, EV needs and schedules (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
  const published: DomainEvent[] = [];

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 1 });
    server.appliance.services.events.subscribe((e) => {
      if (e.type === 'charging-limit.updated' || e.type === 'ev.charging-needs') published.push(e);
    });
  });
  after(() => server.stop());

  for (const version of ['2.0.1', '2.1'] as const) {
    const tag = version.replaceAll('.', '');
    const startTx = (cs: StrictClient, txId: string, evseId: number) =>
      cs.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: txId }, evse: { id: evseId, connectorId: 1 } });

    it(`${version}: getChargingProfiles — criteria sent as asked, report parts (also one ahead of the answer) reassembled and served by requestId`, async () => {
      const id = `GCP-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const asked: any[] = [];
      await startTx(cs, `tx-${tag}`, 1);
      const tx = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];
      const cso = { id: 5, stackLevel: 2, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', transactionId: `tx-${tag}`, chargingSchedule: [schedule(5, 'A', [16, 10], { startSchedule: '2026-05-01T08:00:00Z', duration: 7200 })] };
      const ems = { id: 900, stackLevel: 0, chargingProfilePurpose: 'ChargingStationExternalConstraints', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', validTo: '2027-01-01T00:00:00Z', chargingSchedule: [schedule(1, 'W', [11000], { startSchedule: '2026-05-01T00:00:00Z' })] };
      let answer: () => Promise<Record<string, unknown>> = async () => ({ status: 'Accepted' });
      cs.handle('GetChargingProfiles', async ({ params }: any) => {
        asked.push(params);
        return answer();
      });
      try {
        answer = async () => {
          // The station starts reporting before it has answered: the part must not be lost.
          await cs.call('ReportChargingProfiles', { requestId: asked.at(-1).requestId, chargingLimitSource: 'CSO', evseId: 1, chargingProfile: [cso], tbc: true });
          return { status: 'Accepted' };
        };
        const outcome = await command(id, 'getChargingProfiles', { evseId: 1, purpose: 'tx', stackLevel: 2, profileIds: [5, 6], sources: ['CSO', 'EMS'] });
        assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
        assert.equal(outcome.body.status, 'accepted');
        const requestId = outcome.body.result.requestId;
        assert.deepEqual(asked[0], { requestId, evseId: 1, chargingProfile: { chargingProfilePurpose: 'TxProfile', stackLevel: 2, chargingProfileId: [5, 6], chargingLimitSource: ['CSO', 'EMS'] } });
        assert.deepEqual([outcome.body.result.report.partsReceived, outcome.body.result.report.complete], [1, false]);

        assert.deepEqual(await cs.call('ReportChargingProfiles', { requestId, chargingLimitSource: 'EMS', evseId: 0, chargingProfile: [ems] }), {});
        const report = (await getJson(api(`/stations/${id}/charging-profile-reports/${requestId}`))).body;
        assert.deepEqual(
          { status: report.status, partsReceived: report.partsReceived, complete: report.complete, criteria: report.criteria },
          { status: 'accepted', partsReceived: 2, complete: true, criteria: { evseId: 1, purpose: 'tx', stackLevel: 2, profileIds: [5, 6], sources: ['CSO', 'EMS'] } },
        );
        assert.deepEqual(report.profiles, [
          {
            evseId: 1, source: 'CSO', id: 5, stackLevel: 2, purpose: 'tx', kind: 'absolute', recurrency: null, validFrom: null, validTo: null, stationTxId: `tx-${tag}`, transactionId: tx.id,
            schedules: [{ id: 5, unit: 'A', startSchedule: '2026-05-01T08:00:00.000Z', duration: 7200, minRate: null, periods: [{ startSeconds: 0, limit: 16, phases: null, phaseToUse: null }, { startSeconds: 900, limit: 10, phases: null, phaseToUse: null }] }],
          },
          {
            evseId: 0, source: 'EMS', id: 900, stackLevel: 0, purpose: 'externalConstraints', kind: 'recurring', recurrency: 'daily', validFrom: null, validTo: '2027-01-01T00:00:00.000Z', stationTxId: null, transactionId: null,
            schedules: [{ id: 1, unit: 'W', startSchedule: '2026-05-01T00:00:00.000Z', duration: null, minRate: null, periods: [{ startSeconds: 0, limit: 11000, phases: null, phaseToUse: null }] }],
          },
        ]);

        // Nothing to report: the answer completes the report; all criteria left out sends an empty criterion.
        answer = async () => ({ status: 'NoProfiles' });
        const none = await command(id, 'getChargingProfiles', {});
        assert.deepEqual(asked[1], { requestId: none.body.result.requestId, chargingProfile: {} });
        assert.deepEqual([none.body.status, none.body.result.report.complete, none.body.result.report.profiles], ['noprofiles', true, []]);

        if (version === '2.1') {
          // 2.1 purposes and kinds, and a period that sets a setpoint rather than a limit.
          answer = async () => ({ status: 'Accepted' });
          const local = await command(id, 'getChargingProfiles', { purpose: 'localGeneration', sources: ['PV-Park'] });
          assert.deepEqual(asked[2].chargingProfile, { chargingProfilePurpose: 'LocalGeneration', chargingLimitSource: ['PV-Park'] });
          await cs.call('ReportChargingProfiles', {
            requestId: local.body.result.requestId, chargingLimitSource: 'PV-Park', evseId: 0,
            chargingProfile: [{ id: 77, stackLevel: 1, chargingProfilePurpose: 'LocalGeneration', chargingProfileKind: 'Dynamic', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, setpoint: 5000 }] }] }],
          });
          const [p] = (await getJson(api(`/stations/${id}/charging-profile-reports/${local.body.result.requestId}`))).body.profiles;
          assert.deepEqual([p.purpose, p.kind, p.source, p.schedules[0].periods[0].limit], ['localGeneration', 'dynamic', 'PV-Park', null]);
        }

        // A report Ampyard did not ask for is kept, marked unsolicited.
        await cs.call('ReportChargingProfiles', { requestId: 4242, chargingLimitSource: 'SO', evseId: 0, chargingProfile: [ems] });
        const unsolicited = (await getJson(api(`/stations/${id}/charging-profile-reports/4242`))).body;
        assert.deepEqual([unsolicited.criteria, unsolicited.status, unsolicited.complete, unsolicited.profiles[0].source], [{ unsolicited: true }, null, true, 'SO']);
        const listed = (await getJson(api(`/stations/${id}/charging-profile-reports`))).body.items;
        assert.ok(listed.some((r: any) => r.requestId === requestId) && listed.some((r: any) => r.requestId === 4242));
        assert.equal((await getJson(api(`/stations/${id}/charging-profile-reports/1`))).status, 404);
        assert.equal((await getJson(api(`/stations/${id}/charging-profile-reports/x`))).status, 404);
        assert.equal((await getJson(api('/stations/NOPE/charging-profile-reports'))).status, 404);

        // Bad criteria for this version, and bad params.
        if (version === '2.0.1') {
          const purpose = await command(id, 'getChargingProfiles', { purpose: 'priorityCharging' });
          assert.deepEqual([purpose.status, purpose.body.error.details.fields[0].field], [400, 'purpose']);
          const source = await command(id, 'getChargingProfiles', { sources: ['Grid'] });
          assert.deepEqual([source.status, source.body.error.details.fields[0].field], [400, 'sources']);
        }
        assert.equal((await command(id, 'getChargingProfiles', { profileIds: 5 })).status, 400);
        assert.equal((await command(id, 'getChargingProfiles', { evseId: -1 })).status, 400);

        // No answer in time.
        let answerLate: (() => void) | undefined;
        answer = () => new Promise((resolve) => (answerLate = () => resolve({ status: 'NoProfiles' })));
        const slow = await command(id, 'getChargingProfiles', {});
        assert.deepEqual([slow.status, slow.body.error.code], [504, 'station_timeout']);
        answerLate?.();
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
      await eventually(async () => (await getJson(api(`/stations/${id}`))).body.connected === false);
      assert.equal((await command(id, 'getChargingProfiles', {})).status, 409);
    });

    it(`${version}: NotifyChargingLimit / ClearedChargingLimit — external limits per EVSE and source, published for the balancer`, async () => {
      const id = `LIM-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const events = () => published.filter((e) => e.type === 'charging-limit.updated' && e.data.stationId === id).map((e: any) => [e.data.evseId, e.data.source, e.data.limit === null ? null : e.data.limit.schedules.length]);
      try {
        assert.deepEqual(await cs.call('NotifyChargingLimit', { evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false }, chargingSchedule: [schedule(1, 'A', [20, 12], { startSchedule: '2026-06-01T12:00:00Z', duration: 1800 })] }), {});
        assert.deepEqual(await cs.call('NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'SO', isGridCritical: true }, chargingSchedule: [schedule(2, 'W', [40000])] }), {});
        assert.deepEqual(await cs.call('NotifyChargingLimit', { evseId: 2, chargingLimit: { chargingLimitSource: 'SO' } }), {});
        // The same source again on the same EVSE replaces its limit.
        await cs.call('NotifyChargingLimit', { evseId: 1, chargingLimit: { chargingLimitSource: 'EMS' }, chargingSchedule: [schedule(3, 'A', [8])] });
        let limits = (await getJson(api(`/stations/${id}/charging-limits`))).body.items;
        assert.deepEqual(limits.map((l: any) => [l.evseId, l.source, l.gridCritical, l.schedules.map((s: any) => s.periods.map((p: any) => p.limit))]), [
          [0, 'SO', true, [[40000]]],
          [1, 'EMS', null, [[8]]],
          [2, 'SO', null, []],
        ]);
        assert.equal(limits[0].schedules[0].unit, 'W');
        assert.equal(limits[0].stationId, id);

        assert.deepEqual(await cs.call('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 }), {});
        // Without an EVSE: every limit of that source goes.
        assert.deepEqual(await cs.call('ClearedChargingLimit', { chargingLimitSource: 'SO' }), {});
        assert.deepEqual(await cs.call('ClearedChargingLimit', { chargingLimitSource: 'CSO', evseId: 3 }), {}, 'nothing to clear is fine');
        limits = (await getJson(api(`/stations/${id}/charging-limits`))).body.items;
        assert.deepEqual(limits, []);
        assert.deepEqual(events(), [[1, 'EMS', 1], [0, 'SO', 1], [2, 'SO', 0], [1, 'EMS', 1], [1, 'EMS', null], [0, 'SO', null], [2, 'SO', null]]);

        if (version === '2.1') {
          await cs.call('NotifyChargingLimit', { evseId: 0, chargingLimit: { chargingLimitSource: 'Rooftop-PV', isLocalGeneration: true }, chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000, limit_L2: 7000, limit_L3: 7000 }] }] });
          const [pv] = (await getJson(api(`/stations/${id}/charging-limits`))).body.items;
          assert.deepEqual([pv.source, pv.localGeneration, pv.schedules[0].periods[0].limit], ['Rooftop-PV', true, 7000]);
        }
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: NotifyEVChargingNeeds / NotifyEVChargingSchedule — stored per EVSE with the transaction, answered Accepted, gone when the EV leaves`, async () => {
      const id = `EVN-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      try {
        await startTx(cs, `ev-${tag}`, 1);
        const tx = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];
        const departure = '2026-06-01T17:30:00Z';
        const ac = { acChargingParameters: { energyAmount: 42000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 }, requestedEnergyTransfer: 'AC_three_phase', departureTime: departure };
        assert.deepEqual(await cs.call('NotifyEVChargingNeeds', { evseId: 1, maxScheduleTuples: 24, chargingNeeds: ac }), { status: 'Accepted' });
        const dc =
          version === '2.1'
            ? { requestedEnergyTransfer: 'DC_BPT', availableEnergyTransfer: ['DC', 'DC_BPT'], controlMode: 'ScheduledControl', v2xChargingParameters: { maxChargePower: 150000, evTargetEnergyRequest: 60000, maxChargeCurrent: 300 } }
            : { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 300, evMaxVoltage: 800, evMaxPower: 150000, energyAmount: 60000, stateOfCharge: 35, evEnergyCapacity: 77000 } };
        assert.deepEqual(await cs.call('NotifyEVChargingNeeds', { evseId: 2, chargingNeeds: dc }), { status: 'Accepted' });

        let needs = (await getJson(api(`/stations/${id}/ev-charging-needs`))).body.items;
        assert.deepEqual(
          needs.map((n: any) => [n.evseId, n.transactionId, n.requestedEnergyTransfer, n.departureTime, n.energyAmountWh, n.evMinCurrentA, n.evMaxCurrentA, n.evMaxVoltageV, n.evMaxPowerW, n.stateOfCharge, n.maxScheduleTuples]),
          [
            [1, tx.id, 'AC_three_phase', '2026-06-01T17:30:00.000Z', 42000, 6, 32, 400, null, null, 24],
            version === '2.1' ? [2, null, 'DC_BPT', null, 60000, null, 300, null, 150000, null, null] : [2, null, 'DC', null, 60000, null, 300, 800, 150000, 35, null],
          ],
        );
        assert.deepEqual(needs[0].chargingNeeds, ac, 'as the station sent it');
        assert.deepEqual(published.filter((e: any) => e.type === 'ev.charging-needs' && e.data.stationId === id).map((e: any) => [e.data.evseId, e.data.needs?.energyAmountWh]), [[1, 42000], [2, 60000]]);

        const evSchedule = { evseId: 1, timeBase: '2026-06-01T12:00:00Z', chargingSchedule: schedule(1, 'W', [11000, 7400], { duration: 19800 }), ...(version === '2.1' ? { selectedChargingScheduleId: 1, powerToleranceAcceptance: true } : {}) };
        assert.deepEqual(await cs.call('NotifyEVChargingSchedule', evSchedule), { status: 'Accepted' });
        const [chosen] = (await getJson(api(`/stations/${id}/ev-charging-schedules`))).body.items;
        assert.deepEqual(
          [chosen.evseId, chosen.transactionId, chosen.timeBase, chosen.schedule.unit, chosen.schedule.duration, chosen.schedule.periods.map((p: any) => p.limit), chosen.selectedChargingScheduleId, chosen.powerToleranceAcceptance],
          [1, tx.id, '2026-06-01T12:00:00.000Z', 'W', 19800, [11000, 7400], version === '2.1' ? 1 : null, version === '2.1' ? true : null],
        );

        // The EV leaves: its needs and schedule go, the balancer is told.
        await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'EVDeparted', seqNo: 1, transactionInfo: { transactionId: `ev-${tag}`, stoppedReason: 'EVDisconnected' } });
        needs = await eventually(async () => {
          const items = (await getJson(api(`/stations/${id}/ev-charging-needs`))).body.items;
          return items.length === 1 && items;
        });
        assert.equal(needs[0].evseId, 2, 'needs without a transaction stay');
        assert.deepEqual((await getJson(api(`/stations/${id}/ev-charging-schedules`))).body.items, []);
        assert.ok(published.some((e: any) => e.type === 'ev.charging-needs' && e.data.stationId === id && e.data.evseId === 1 && e.data.needs === null));
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });
  }

  it('OCPP 1.6 has no GetChargingProfiles: 422; schema-invalid reports get a CALLERROR and store nothing', async () => {
    const cp = await strictStation(server, 'K-16', '1.6');
    try {
      const res = await command('K-16', 'getChargingProfiles', {});
      assert.deepEqual([res.status, res.body.error.code], [422, 'unsupported']);
    } finally {
      await cp.close({ code: 1000 });
    }
    await postJson(api('/stations'), { id: 'K-RAW' });
    const raw = await RawClient.connect(server.wsUrl('K-RAW'), 'ocpp2.0.1');
    try {
      await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      for (const [action, payload] of [
        ['NotifyEVChargingNeeds', { chargingNeeds: { requestedEnergyTransfer: 'DC' } }],
        ['ReportChargingProfiles', { requestId: 1, evseId: 0, chargingProfile: [] }],
        ['NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'Grid' } }],
        ['NotifyEVChargingSchedule', { evseId: 1, timeBase: 'soon', chargingSchedule: schedule(1, 'A', [10]) }],
      ] as const) {
        const answer = await raw.call(action, payload);
        assert.equal(answer[0], 4, `${action}: ${JSON.stringify(answer)}`);
      }
      assert.deepEqual((await getJson(api('/stations/K-RAW/charging-limits'))).body.items, []);
      assert.deepEqual((await getJson(api('/stations/K-RAW/ev-charging-needs'))).body.items, []);
      assert.deepEqual((await getJson(api('/stations/K-RAW/charging-profile-reports'))).body.items, []);
    } finally {
      await raw.close();
    }
  });
});
