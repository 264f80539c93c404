import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chargingProfileProblems, stillValid, type ChargingProfile } from '../domain/charging-profile.ts';
import { compositeScheduleFromOcpp, setChargingProfile16, setChargingProfile2 } from './charging-profiles.ts';
import { SchemaRegistry } from './rpc/schemas.ts';

const schemas = new SchemaRegistry();

const stationMax: ChargingProfile = {
  id: 7,
  stackLevel: 1,
  purpose: 'stationMax',
  kind: 'absolute',
  schedule: { unit: 'W', startSchedule: '2026-05-01T00:00:00.000Z', periods: [{ startSeconds: 0, limit: 22_000 }, { startSeconds: 3600, limit: 11_000.5, phases: 3 }] },
};
const recurringTxDefault: ChargingProfile = {
  id: 8,
  stackLevel: 2,
  purpose: 'txDefault',
  kind: 'recurring',
  recurrency: 'daily',
  validFrom: '2026-05-01T00:00:00.000Z',
  validTo: '2027-05-01T00:00:00.000Z',
  schedule: { unit: 'A', startSchedule: '2026-05-01T06:00:00.000Z', duration: 43_200, periods: [{ startSeconds: 0, limit: 16.2 }, { startSeconds: 7200, limit: 6 }], minRate: 6.1 },
};
const tx: ChargingProfile = {
  id: 9,
  stackLevel: 0,
  purpose: 'tx',
  kind: 'relative',
  transactionId: 42,
  schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 32, phases: 1 }] },
};

describe('charging profile translation', () => {
  it('OCPP 2.0.1 and 2.1: every purpose and kind gives a schema-valid SetChargingProfileRequest', () => {
    for (const version of ['2.0.1', '2.1'] as const) {
      for (const [evseId, profile, txId] of [[0, stationMax], [0, recurringTxDefault], [2, recurringTxDefault], [1, tx, 'TX-abc-1']] as const) {
        const payload = setChargingProfile2(evseId, profile, txId);
        assert.equal(schemas.validateRequest(version, 'SetChargingProfile', payload), undefined, `${version} ${profile.purpose}: ${JSON.stringify(payload)}`);
      }
    }
  });

  it('OCPP 2.x payload: ChargingStationMaxProfile, schedule array with an id, the station’s transaction id', () => {
    assert.deepEqual(setChargingProfile2(0, stationMax), {
      evseId: 0,
      chargingProfile: {
        id: 7,
        stackLevel: 1,
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          {
            id: 7,
            startSchedule: '2026-05-01T00:00:00.000Z',
            chargingRateUnit: 'W',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 22_000 }, { startPeriod: 3600, limit: 11_000.5, numberPhases: 3 }],
          },
        ],
      },
    });
    assert.deepEqual(setChargingProfile2(2, recurringTxDefault).chargingProfile, {
      id: 8,
      stackLevel: 2,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Recurring',
      recurrencyKind: 'Daily',
      validFrom: '2026-05-01T00:00:00.000Z',
      validTo: '2027-05-01T00:00:00.000Z',
      chargingSchedule: [
        { id: 8, startSchedule: '2026-05-01T06:00:00.000Z', duration: 43_200, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.2 }, { startPeriod: 7200, limit: 6 }], minChargingRate: 6.1 },
      ],
    });
    const txPayload = setChargingProfile2(1, tx, 'TX-abc-1').chargingProfile as Record<string, unknown>;
    assert.equal(txPayload['chargingProfilePurpose'], 'TxProfile');
    assert.equal(txPayload['transactionId'], 'TX-abc-1');
  });

  it('OCPP 1.6 payload: ChargePointMaxProfile on connector 0, TxProfile with Ampyard’s transaction id, schema-valid (multipleOf 0.1)', () => {
    const max = setChargingProfile16(0, stationMax);
    assert.deepEqual(max, {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 7,
        stackLevel: 1,
        chargingProfilePurpose: 'ChargePointMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { startSchedule: '2026-05-01T00:00:00.000Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 22_000 }, { startPeriod: 3600, limit: 11_000.5, numberPhases: 3 }] },
      },
    });
    const txProfile = setChargingProfile16(1, tx);
    assert.equal((txProfile['csChargingProfiles'] as Record<string, unknown>)['transactionId'], 42);
    for (const payload of [max, txProfile, setChargingProfile16(3, recurringTxDefault)]) {
      assert.equal(schemas.validateRequest('1.6', 'SetChargingProfile', payload), undefined, JSON.stringify(payload));
    }
  });

  it('limits are sent as the double nearest their one decimal', () => {
    const profile: ChargingProfile = { ...tx, schedule: { unit: 'A', periods: [{ startSeconds: 0, limit: 0.1 + 0.2 }] } };
    assert.equal((setChargingProfile2(1, profile, 'T').chargingProfile as any).chargingSchedule[0].chargingSchedulePeriod[0].limit, 0.3);
  });

  it('reads 1.6 and 2.x composite schedules into the neutral schedule', () => {
    const periods = [{ startPeriod: 0, limit: 16 }, { startPeriod: 600, limit: 8, numberPhases: 1 }];
    assert.deepEqual(
      compositeScheduleFromOcpp(
        { status: 'Accepted', connectorId: 1, scheduleStart: '2026-05-01T10:00:00Z', chargingSchedule: { duration: 3600, chargingRateUnit: 'A', chargingSchedulePeriod: periods } },
        '1.6',
      ),
      { evseId: 1, scheduleStart: '2026-05-01T10:00:00Z', schedule: { unit: 'A', duration: 3600, periods: [{ startSeconds: 0, limit: 16 }, { startSeconds: 600, limit: 8, phases: 1 }] } },
    );
    const v2 = { status: 'Accepted', schedule: { evseId: 2, duration: 900, scheduleStart: '2026-05-01T10:00:00Z', chargingRateUnit: 'W', chargingSchedulePeriod: periods } };
    assert.equal(schemas.validateResponse('2.0.1', 'GetCompositeSchedule', v2), undefined);
    assert.deepEqual(compositeScheduleFromOcpp(v2, '2.0.1'), {
      evseId: 2,
      scheduleStart: '2026-05-01T10:00:00Z',
      schedule: { unit: 'W', duration: 900, periods: [{ startSeconds: 0, limit: 16 }, { startSeconds: 600, limit: 8, phases: 1 }] },
    });
  });

  it('finds what a schema cannot say, by field', () => {
    const problems = chargingProfileProblems(3, {
      stackLevel: 0,
      purpose: 'stationMax',
      kind: 'relative',
      recurrency: 'daily',
      transactionId: 5,
      schedule: { unit: 'A', startSchedule: '2026-05-01T00:00:00Z', periods: [{ startSeconds: 10, limit: 16.25 }, { startSeconds: 5, limit: 8 }] },
    });
    assert.deepEqual(problems.map((p) => p.field).sort(), [
      'evseId',
      'profile.recurrency',
      'profile.schedule.periods.0.limit',
      'profile.schedule.periods.0.startSeconds',
      'profile.schedule.periods.1.startSeconds',
      'profile.schedule.startSchedule',
      'profile.transactionId',
    ]);
    assert.deepEqual(chargingProfileProblems(0, stationMax), []);
    assert.deepEqual(chargingProfileProblems(1, { ...tx, transactionId: undefined }).map((p) => p.field), ['profile.transactionId']);
  });

  it('a profile past validTo or past the end of its one-off schedule no longer applies', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    assert.equal(stillValid(recurringTxDefault, now), true);
    assert.equal(stillValid({ ...recurringTxDefault, validTo: '2026-05-31T00:00:00Z' }, now), false);
    assert.equal(stillValid({ ...stationMax, schedule: { ...stationMax.schedule, duration: 3600 } }, now), false);
    assert.equal(stillValid(stationMax, now), true);
  });
});
