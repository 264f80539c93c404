import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkParams } from '../../commands/params.ts';
import { minuteOf, nextOccurrence } from './local-time.ts';
import { vehicleCreateSchema } from './schemas.ts';

describe('departure times to the second', () => {
  // A fleet that knows a vehicle leaves at 06:30:45 must not have it planned for 06:30 (the deadline planner's
  // choices change with a deadline 45 s early: the OCPP-driven bench missed deadlines the in-process run met).
  it('takes HH:MM:SS for a departure and plans for that second', () => {
    const body = checkParams<any>(vehicleCreateSchema, { name: 'Van', departures: [{ days: [1], at: '06:30:45', targetEnergyKwh: 10 }] });
    assert.equal(body.departures[0].at, '06:30:45');
    const monday = Date.UTC(2025, 0, 6);
    assert.equal(nextOccurrence([1], minuteOf('06:30:45'), monday, 'UTC'), monday + (6 * 3600 + 30 * 60 + 45) * 1000);
    assert.equal(nextOccurrence([1], minuteOf('06:30:45'), monday, 'Europe/Berlin'), monday + (5 * 3600 + 30 * 60 + 45) * 1000);
    assert.equal(nextOccurrence([1], minuteOf('06:30'), monday, 'UTC'), monday + (6 * 3600 + 30 * 60) * 1000);
  });

  it('keeps HH:MM (no seconds) everywhere else', () => {
    assert.throws(() => checkParams(vehicleCreateSchema, { name: 'Van', departures: [{ days: [1], at: '06:30:60' }] }));
    assert.throws(() => checkParams(vehicleCreateSchema, { name: 'Van', departures: [{ days: [1], at: '06:30', arriveAt: '18:00:10' }] }));
  });
});
