import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CarSpec, Scenario } from '../../sim-site/scenario.ts';
import { optimum } from './optimum.ts';

const car = (id: string, extra: Partial<CarSpec> = {}): CarSpec => ({
  id, evseId: id, arriveS: 0, departS: 3600, batteryKwh: 100, socPct: 50, targetSocPct: 70, maxPowerW: 22_080, phases: 3,
  fleet: true, phasesDeclared: true, priority: 0, behaviour: { kind: 'obeys' }, ...extra,
});

const scenario = (limitA: number, cars: CarSpec[]): Scenario => ({
  name: 'lp', description: '',
  site: { circuits: [{ id: 'grid', limitA }], evses: cars.map((c) => ({ id: c.evseId, circuitId: 'grid', kind: 'AC' as const, phases: 3 as const, unit: 'A' as const, maxCurrentA: 32 })) },
  start: Date.UTC(2025, 0, 6, 8), durationS: 3600, cars, buildingLoad: [], cycleS: 10, meterPeriodS: 5, stationMeterPeriodS: 10, increaseDelayS: 5, optimumSlotS: 300,
});

describe('offline optimum (HiGHS)', () => {
  it('delivers every need when the connection allows it', async () => {
    const o = await optimum(scenario(63, [car('A'), car('B', { socPct: 60 })]));
    assert.ok(Math.abs(o.energyKwh - 30) < 1e-6, `${o.energyKwh}`);
    assert.equal(o.deadlinesMet, 2);
    assert.deepEqual(o.status, { energy: 'Optimal', deadlines: 'Optimal' });
  });

  it('is bounded by the circuit and meets as many deadlines as fit', async () => {
    // 16 A × 3 × 230 V for an hour = 11.04 kWh for both; only the 10 kWh need fits.
    const o = await optimum(scenario(16, [car('A', { targetSocPct: 60 }), car('B')]));
    assert.ok(Math.abs(o.energyKwh - 11.04) < 1e-6, `${o.energyKwh}`);
    assert.equal(o.deadlinesMet, 1);
  });
});
