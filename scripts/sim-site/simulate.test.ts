import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CarSpec, Scenario } from './scenario.ts';
import { simulate } from './simulate.ts';

const car = (id: string, evseId: string, extra: Partial<CarSpec> = {}): CarSpec => ({
  id, evseId, arriveS: 0, departS: 3600, batteryKwh: 50, socPct: 50, targetSocPct: 80, maxPowerW: 11_000, phases: 3,
  fleet: true, phasesDeclared: true, priority: 0, behaviour: { kind: 'obeys' }, ...extra,
});

const small = (extra: Partial<Scenario> = {}): Scenario => ({
  name: 'small', description: 'three chargers on 3×20 A',
  site: { circuits: [{ id: 'grid', limitA: 20, marginA: 1 }], evses: ['A', 'B', 'C'].map((id) => ({ id, circuitId: 'grid', kind: 'AC', phases: 3, unit: 'A', maxCurrentA: 16 })) },
  start: Date.UTC(2025, 0, 6, 8), durationS: 3600,
  cars: [car('a', 'A'), car('b', 'B', { arriveS: 300 }), car('c', 'C', { arriveS: 600, phases: 1, phasesDeclared: false, maxPowerW: 3700 })],
  buildingLoad: [], cycleS: 10, meterPeriodS: 5, stationMeterPeriodS: 10, increaseDelayS: 5, optimumSlotS: 300,
  ...extra,
});

describe('site simulator', () => {
  it('keeps every circuit and phase under its limit every second and charges the cars', () => {
    const r = simulate(small());
    assert.equal(r.violationSeconds, 0, r.firstViolation ?? '');
    assert.equal(r.coreViolations, 0);
    assert.ok(r.energyKwh > 8, `${r.energyKwh} kWh`);
    assert.equal(r.cars.length, 3);
    assert.ok(r.cycles >= 360);
  });

  it('follows a sudden limit drop within the second and counts an overload a car causes', () => {
    const dropped = simulate(small({ limitEvents: [{ atS: 1200, override: { circuitId: 'grid', limitA: 8 } }] }));
    assert.equal(dropped.violationSeconds, 0, dropped.firstViolation ?? '');
    const rogue = simulate(small({ cars: [car('a', 'A', { behaviour: { kind: 'ignores' } }), car('b', 'B'), car('c', 'C')] }));
    // The rogue car takes 16 A before its first meter value: the others fill the rest, the grid goes over once.
    assert.ok(rogue.violationSeconds > 0 && rogue.maxExcessA <= 16);
  });
});
