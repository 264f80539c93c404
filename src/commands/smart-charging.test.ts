import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation, type StrictClient } from '../testing/strict-station.ts';

/** Records every smart-charging call the station gets; SetChargingProfile is answered with the next queued status. */
function chargingStation(cp: StrictClient) {
  const received: Array<{ action: string; params: any }> = [];
  const answers: string[] = [];
  const clearAnswers: string[] = [];
  const strictFailures: unknown[] = [];
  let composite: Record<string, unknown> = { status: 'Rejected' };
  cp.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  cp.handle('SetChargingProfile', async ({ params }) => {
    received.push({ action: 'SetChargingProfile', params });
    return { status: answers.shift() ?? 'Accepted' };
  });
  cp.handle('ClearChargingProfile', async ({ params }) => {
    received.push({ action: 'ClearChargingProfile', params });
    return { status: clearAnswers.shift() ?? 'Accepted' };
  });
  cp.handle('GetCompositeSchedule', async ({ params }) => {
    received.push({ action: 'GetCompositeSchedule', params });
    return composite;
  });
  return {
    received,
    answers,
    clearAnswers,
    strictFailures,
    sets: () => received.filter((r) => r.action === 'SetChargingProfile').map((r) => r.params),
    answerComposite: (answer: Record<string, unknown>) => (composite = answer),
  };
}

const txDefault = {
  stackLevel: 2,
  purpose: 'txDefault',
  kind: 'absolute',
  schedule: { unit: 'A', startSchedule: '2026-05-01T06:00:00+02:00', periods: [{ startSeconds: 0, limit: 16 }, { startSeconds: 3600, limit: 6.5, phases: 1 }], minRate: 6 },
};

describe('smart charging (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
  const stored = async (station: string) => (await getJson(api(`/stations/${station}/charging-profiles`))).body.items;

  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-tokens'), { token: 'CARD-SC' });
  });
  after(() => server.stop());

  it('1.6: setChargingProfile sends the exact payload, is stored and shown; clear by id and by criteria removes it', async () => {
    const cp = await strictStation(server, 'SC-16', '1.6');
    const station = chargingStation(cp);
    try {
      const set = await command('SC-16', 'setChargingProfile', { evseId: 1, profile: { id: 501, ...txDefault } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.status, 'accepted');
      assert.deepEqual(station.received[0], {
        action: 'SetChargingProfile',
        params: {
          connectorId: 1,
          csChargingProfiles: {
            chargingProfileId: 501,
            stackLevel: 2,
            chargingProfilePurpose: 'TxDefaultProfile',
            chargingProfileKind: 'Absolute',
            chargingSchedule: {
              startSchedule: '2026-05-01T04:00:00.000Z',
              chargingRateUnit: 'A',
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 3600, limit: 6.5, numberPhases: 1 }],
              minChargingRate: 6,
            },
          },
        },
      });
      let items = await stored('SC-16');
      assert.equal(items.length, 1);
      assert.deepEqual([items[0].stationId, items[0].evseId, items[0].status, items[0].valid], ['SC-16', 1, 'accepted', true]);
      assert.deepEqual(items[0].profile, { id: 501, ...txDefault, schedule: { ...txDefault.schedule, startSchedule: '2026-05-01T04:00:00.000Z' } });

      // Without an id Ampyard picks one; the same EVSE, purpose and stack level replaces the earlier profile.
      const replacing = await command('SC-16', 'setChargingProfile', { evseId: 1, profile: txDefault });
      const newId = replacing.body.result.profile.id;
      assert.ok(newId > 501);
      items = await stored('SC-16');
      assert.deepEqual(items.map((i: any) => i.profile.id), [newId]);

      station.clearAnswers.push('Unknown');
      const unknown = await command('SC-16', 'clearChargingProfile', { profileId: newId });
      assert.deepEqual([unknown.body.status, unknown.body.result], ['unknown', { removed: 0 }]);
      assert.equal((await stored('SC-16')).length, 1, 'kept when the station does not confirm the clear');

      const cleared = await command('SC-16', 'clearChargingProfile', { profileId: newId });
      assert.deepEqual(cleared.body.result, { removed: 1 });
      assert.deepEqual(station.received.at(-1), { action: 'ClearChargingProfile', params: { id: newId } });
      assert.deepEqual(await stored('SC-16'), []);

      await command('SC-16', 'setChargingProfile', { evseId: 1, profile: txDefault });
      await command('SC-16', 'setChargingProfile', { evseId: 2, profile: { ...txDefault, stackLevel: 3 } });
      const byCriteria = await command('SC-16', 'clearChargingProfile', { evseId: 1, purpose: 'txDefault' });
      assert.deepEqual(station.received.at(-1), { action: 'ClearChargingProfile', params: { connectorId: 1, chargingProfilePurpose: 'TxDefaultProfile' } });
      assert.deepEqual(byCriteria.body.result, { removed: 1 });
      assert.deepEqual((await stored('SC-16')).map((i: any) => i.evseId), [2]);
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('1.6: getCompositeSchedule returns the station’s schedule; setLimit on EVSE 0 is a ChargePointMaxProfile that replaces itself', async () => {
    const cp = await strictStation(server, 'SC-LIMIT', '1.6');
    const station = chargingStation(cp);
    try {
      station.answerComposite({
        status: 'Accepted',
        connectorId: 1,
        scheduleStart: '2026-05-01T10:00:00Z',
        chargingSchedule: { duration: 1800, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 900, limit: 10, numberPhases: 3 }] },
      });
      const composite = await command('SC-LIMIT', 'getCompositeSchedule', { evseId: 1, durationSeconds: 1800, unit: 'A' });
      assert.equal(composite.status, 200);
      assert.deepEqual(station.received[0], { action: 'GetCompositeSchedule', params: { connectorId: 1, duration: 1800, chargingRateUnit: 'A' } });
      assert.deepEqual(composite.body.result, {
        evseId: 1,
        scheduleStart: '2026-05-01T10:00:00Z',
        schedule: { unit: 'A', duration: 1800, periods: [{ startSeconds: 0, limit: 16 }, { startSeconds: 900, limit: 10, phases: 3 }] },
      });
      station.answerComposite({ status: 'Rejected' });
      const refused = await command('SC-LIMIT', 'getCompositeSchedule', { evseId: 1, durationSeconds: 60 });
      assert.deepEqual([refused.body.status, refused.body.result], ['rejected', null]);

      const limit = await command('SC-LIMIT', 'setLimit', { evseId: 0, limit: 11000, unit: 'W' });
      assert.equal(limit.body.status, 'accepted');
      const sent = station.sets()[0];
      const startSchedule = sent.csChargingProfiles.chargingSchedule.startSchedule;
      assert.ok(Math.abs(Date.parse(startSchedule) - Date.now()) < 5000);
      assert.deepEqual(sent, {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: limit.body.result.profile.id,
          stackLevel: 1,
          chargingProfilePurpose: 'ChargePointMaxProfile',
          chargingProfileKind: 'Absolute',
          chargingSchedule: { startSchedule, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] },
        },
      });
      const again = await command('SC-LIMIT', 'setLimit', { evseId: 0, limit: 7500, unit: 'W' });
      assert.equal(again.body.result.profile.id, limit.body.result.profile.id);
      const perEvse = await command('SC-LIMIT', 'setLimit', { evseId: 2, limit: 10, unit: 'A' });
      assert.deepEqual(
        [station.sets()[2].connectorId, station.sets()[2].csChargingProfiles.chargingProfilePurpose, perEvse.body.result.profile.purpose],
        [2, 'TxDefaultProfile', 'txDefault'],
      );
      const items = await stored('SC-LIMIT');
      assert.deepEqual(
        items.map((i: any) => [i.evseId, i.profile.purpose, i.profile.schedule.periods[0].limit]),
        [[0, 'stationMax', 7500], [2, 'txDefault', 10]],
      );
      // A refused profile does not displace the accepted one with its id, which the station still has.
      station.answers.push('Rejected');
      const refusedSameId = await command('SC-LIMIT', 'setChargingProfile', { evseId: 0, profile: { ...txDefault, id: limit.body.result.profile.id, purpose: 'stationMax' } });
      assert.equal(refusedSameId.body.status, 'rejected');
      assert.deepEqual((await stored('SC-LIMIT')).map((i: any) => [i.profile.id, i.status, i.profile.schedule.periods[0].limit])[0], [limit.body.result.profile.id, 'accepted', 7500]);
      const tooFine = await command('SC-LIMIT', 'setLimit', { evseId: 0, limit: 16.25, unit: 'A' });
      assert.equal(tooFine.status, 400);
      assert.deepEqual(tooFine.body.error.details.fields, [{ field: 'limit', message: 'must have at most one decimal' }]);
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('1.6: after a new BootNotification the station gets its stored, accepted, still valid profiles again — not rejected, expired or tx ones', async () => {
    const cp = await strictStation(server, 'SC-BOOT', '1.6');
    const station = chargingStation(cp);
    try {
      const max = (await command('SC-BOOT', 'setLimit', { evseId: 0, limit: 32, unit: 'A' })).body.result.profile;
      const daily = (
        await command('SC-BOOT', 'setChargingProfile', {
          evseId: 2,
          profile: { stackLevel: 4, purpose: 'txDefault', kind: 'recurring', recurrency: 'daily', schedule: { unit: 'A', startSchedule: '2026-01-01T22:00:00Z', duration: 28_800, periods: [{ startSeconds: 0, limit: 8 }] } },
        })
      ).body.result.profile;
      station.answers.push('Rejected');
      const rejected = await command('SC-BOOT', 'setChargingProfile', { evseId: 1, profile: { id: 777, ...txDefault } });
      assert.equal(rejected.body.status, 'rejected');
      const oneOff = await command('SC-BOOT', 'setChargingProfile', {
        evseId: 1,
        profile: { stackLevel: 5, purpose: 'txDefault', kind: 'absolute', schedule: { unit: 'A', startSchedule: new Date(Date.now() - 60_000).toISOString(), duration: 30, periods: [{ startSeconds: 0, limit: 6 }] } },
      });
      assert.equal(oneOff.body.status, 'accepted');
      const start: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-SC', meterStart: 0, timestamp: new Date().toISOString() });
      const tx = await command('SC-BOOT', 'setChargingProfile', {
        evseId: 1,
        profile: { stackLevel: 0, purpose: 'tx', kind: 'relative', transactionId: start.transactionId, schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 12 }] } },
      });
      assert.equal(tx.status, 200, JSON.stringify(tx.body));
      assert.equal(station.sets().at(-1).csChargingProfiles.transactionId, start.transactionId);

      const before = await stored('SC-BOOT');
      assert.deepEqual(
        before.map((i: any) => [i.profile.id, i.status, i.valid]).sort((a: any, b: any) => a[0] - b[0]),
        [[max.id, 'accepted', true], [daily.id, 'accepted', true], [oneOff.body.result.profile.id, 'accepted', false], [tx.body.result.profile.id, 'accepted', true], [777, 'rejected', true]].sort((a: any, b: any) => a[0] - b[0]),
      );
      const sentBefore = new Map<number, unknown>(station.sets().map((p: any) => [p.csChargingProfiles.chargingProfileId, p]));
      const countBefore = station.sets().length;

      const boot: any = await cp.call('BootNotification', { chargePointVendor: 'Strict', chargePointModel: 'Peer', firmwareVersion: '1.0' });
      assert.equal(boot.status, 'Accepted');
      await eventually(() => station.sets().length >= countBefore + 2, 4000, 'profiles re-applied');
      await new Promise((r) => setTimeout(r, 200));
      const reapplied = station.sets().slice(countBefore);
      assert.deepEqual(reapplied.map((p: any) => p.csChargingProfiles.chargingProfileId).sort(), [max.id, daily.id].sort());
      for (const payload of reapplied) assert.deepEqual(payload, sentBefore.get(payload.csChargingProfiles.chargingProfileId));
      // The reboot ended the transaction, and its tx profile with it.
      assert.ok(!(await stored('SC-BOOT')).some((i: any) => i.profile.purpose === 'tx'));

      station.answers.push('Accepted', 'Rejected');
      const manual = await command('SC-BOOT', 'reapplyChargingProfiles', {});
      assert.equal(manual.status, 200);
      assert.equal(manual.body.status, 'partial');
      assert.equal(manual.body.result.profiles.length, 2);
      const nowRejected = manual.body.result.profiles.find((p: any) => p.status === 'rejected');
      assert.equal((await stored('SC-BOOT')).find((i: any) => i.profile.id === nowRejected.profileId).status, 'rejected');
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('error paths: bad params 400 by field, unknown or ended transaction, offline 409', async () => {
    const cp = await strictStation(server, 'SC-ERR', '1.6');
    const station = chargingStation(cp);
    try {
      const bad = await command('SC-ERR', 'setChargingProfile', {
        evseId: 1,
        profile: { stackLevel: 0, purpose: 'stationMax', kind: 'absolute', schedule: { unit: 'kW', startSchedule: '2026-05-01T00:00:00Z', periods: [{ startSeconds: 0, limit: 16.25 }] } },
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.error.details.fields, [{ field: 'profile.schedule.unit', message: 'must be one of A, W' }]);
      const rules = await command('SC-ERR', 'setChargingProfile', {
        evseId: 1,
        profile: { stackLevel: 0, purpose: 'stationMax', kind: 'absolute', schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 16.25 }] } },
      });
      assert.equal(rules.status, 400);
      assert.deepEqual(rules.body.error.details.fields.map((f: any) => f.field).sort(), ['evseId', 'profile.schedule.periods.0.limit', 'profile.schedule.startSchedule']);
      const noTx = await command('SC-ERR', 'setChargingProfile', { evseId: 1, profile: { stackLevel: 0, purpose: 'tx', kind: 'relative', transactionId: 99_999, schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 6 }] } } });
      assert.equal(noTx.status, 404);
      const start: any = await cp.call('StartTransaction', { connectorId: 2, idTag: 'CARD-SC', meterStart: 0, timestamp: new Date().toISOString() });
      const wrongEvse = await command('SC-ERR', 'setChargingProfile', { evseId: 1, profile: { stackLevel: 0, purpose: 'tx', kind: 'relative', transactionId: start.transactionId, schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 6 }] } } });
      assert.deepEqual(wrongEvse.body.error.details.fields, [{ field: 'evseId', message: `must be 2, the EVSE of transaction ${start.transactionId}` }]);
      await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 10, timestamp: new Date().toISOString() });
      const ended = await command('SC-ERR', 'setChargingProfile', { evseId: 2, profile: { stackLevel: 0, purpose: 'tx', kind: 'relative', transactionId: start.transactionId, schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 6 }] } } });
      assert.equal(ended.status, 409);
      const both = await command('SC-ERR', 'clearChargingProfile', { profileId: 1, evseId: 1 });
      assert.equal(both.status, 400);
      assert.deepEqual(both.body.error.details.fields, [{ field: 'profileId', message: 'cannot be combined with evseId, purpose or stackLevel' }]);
      assert.equal((await command('SC-ERR', 'getCompositeSchedule', { evseId: 1 })).status, 400);
      assert.equal(station.received.length, 0);
    } finally {
      await cp.close({ code: 1000 });
    }
    const offline = await command('SC-ERR', 'setLimit', { evseId: 0, limit: 16, unit: 'A' });
    assert.equal(offline.status, 409);
    assert.equal((await getJson(api('/stations/NOPE/charging-profiles'))).status, 404);
  });

  it('2.0.1: profiles, limits, clear and composite schedule in 2.x form, schema-checked by the station', async () => {
    const cs = await strictStation(server, 'SC-201', '2.0.1');
    const station = chargingStation(cs);
    try {
      const limit = await command('SC-201', 'setLimit', { evseId: 0, limit: 22000, unit: 'W' });
      assert.equal(limit.status, 200, JSON.stringify(limit.body));
      const sent = station.sets()[0];
      assert.equal(sent.evseId, 0);
      assert.equal(sent.chargingProfile.chargingProfilePurpose, 'ChargingStationMaxProfile');
      assert.deepEqual(sent.chargingProfile.chargingSchedule[0].chargingSchedulePeriod, [{ startPeriod: 0, limit: 22000 }]);
      assert.equal(sent.chargingProfile.chargingSchedule[0].id, sent.chargingProfile.id);

      await command('SC-201', 'setChargingProfile', { evseId: 1, profile: { ...txDefault, kind: 'recurring', recurrency: 'weekly' } });
      assert.equal(station.sets()[1].chargingProfile.recurrencyKind, 'Weekly');

      await command('SC-201', 'clearChargingProfile', { evseId: 1, purpose: 'txDefault', stackLevel: 2 });
      assert.deepEqual(station.received.at(-1), { action: 'ClearChargingProfile', params: { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 } } });
      await command('SC-201', 'clearChargingProfile', { profileId: sent.chargingProfile.id });
      assert.deepEqual(station.received.at(-1), { action: 'ClearChargingProfile', params: { chargingProfileId: sent.chargingProfile.id } });
      assert.deepEqual(await stored('SC-201'), []);

      station.answerComposite({
        status: 'Accepted',
        schedule: { evseId: 1, duration: 600, scheduleStart: '2026-05-01T10:00:00Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
      });
      const composite = await command('SC-201', 'getCompositeSchedule', { evseId: 1, durationSeconds: 600 });
      assert.deepEqual(station.received.at(-1), { action: 'GetCompositeSchedule', params: { evseId: 1, duration: 600 } });
      assert.deepEqual(composite.body.result, { evseId: 1, scheduleStart: '2026-05-01T10:00:00Z', schedule: { unit: 'W', duration: 600, periods: [{ startSeconds: 0, limit: 7400 }] } });
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cs.close({ code: 1000 });
    }
  });
});
