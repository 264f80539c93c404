import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateOverOcpp } from './ocpp-driven.ts';
import type { CarSpec, Scenario } from './scenario.ts';
import { simulate } from './simulate.ts';

const car = (id: string, evseId: string, extra: Partial<CarSpec> = {}): CarSpec => ({
  id, evseId, arriveS: 0, departS: 3600, batteryKwh: 50, socPct: 50, targetSocPct: 80, maxPowerW: 11_000, phases: 3,
  fleet: true, phasesDeclared: true, priority: 0, behaviour: { kind: 'obeys' }, ...extra,
});

const base = { start: Date.UTC(2025, 0, 6, 8), buildingLoad: [], cycleS: 10, meterPeriodS: 5, stationMeterPeriodS: 10, increaseDelayS: 5, optimumSlotS: 300 };

/** Four chargers on 3×63 A (one single-phase on L2, rotations, one in W), two behind a metered panel; the grid drops to 20 A for 5 min. */
const fourChargers: Scenario = {
  ...base,
  name: 'ocpp-small', description: 'four chargers, rotations, a limit drop',
  site: {
    circuits: [{ id: 'grid', limitA: 63, marginA: 2 }, { id: 'panel', parentId: 'grid', limitA: 32, marginA: 1, metered: true, fallbackLoadA: 10 }],
    evses: [
      { id: 'T0', circuitId: 'grid', kind: 'AC', phases: 1, rotation: ['L2'], unit: 'A', maxCurrentA: 32 },
      { id: 'T1', circuitId: 'grid', kind: 'AC', phases: 3, rotation: ['L2', 'L3', 'L1'], unit: 'A', maxCurrentA: 16 },
      { id: 'T2', circuitId: 'panel', kind: 'AC', phases: 3, rotation: ['L3', 'L1', 'L2'], unit: 'W', maxCurrentA: 32 },
      { id: 'T3', circuitId: 'panel', kind: 'AC', phases: 3, rotation: ['L1', 'L2', 'L3'], unit: 'A', maxCurrentA: 32 },
    ],
  },
  durationS: 1200,
  cars: [
    car('c0', 'T0', { phases: 1, maxPowerW: 7400 }),
    car('c1', 'T1', { arriveS: 30 }),
    car('c2', 'T2', { arriveS: 60, phasesDeclared: false, maxPowerW: 22_000 }),
    car('c3', 'T3', { arriveS: 90, fleet: false }),
  ],
  buildingLoad: [{ circuitId: 'panel', at: (t) => [4 + (t % 300 < 150 ? 3 : 0), 5, 3] }],
  limitEvents: [{ atS: 600, override: { circuitId: 'grid', limitA: 20 } }, { atS: 900, override: { circuitId: 'grid', clear: true } }],
};

/** A car that ignores its limit next to a car that comes first, on 3×40 A with a 16 A margin. */
const rogue: Scenario = {
  ...base,
  name: 'ocpp-rogue', description: 'one station ignores its limits',
  site: {
    circuits: [{ id: 'grid', limitA: 40, marginA: 16 }],
    evses: ['R0', 'R1'].map((id) => ({ id, circuitId: 'grid', kind: 'AC' as const, phases: 3 as const, rotation: ['L1' as const, 'L2' as const, 'L3' as const], unit: 'A' as const, maxCurrentA: 16 })),
  },
  durationS: 300,
  cars: [car('r0', 'R0', { behaviour: { kind: 'ignores' } }), car('r1', 'R1', { priority: 1 })],
};

describe('site simulator over OCPP (real server, strict 1.6 and 2.0.1 stations, simulated time)', () => {
  it('keeps every circuit and phase under its limit every second, the stations applying the profiles the server sends', async () => {
    const r = await simulateOverOcpp(fourChargers);
    assert.equal(r.violationSeconds, 0, r.firstViolation ?? '');
    assert.equal(r.coreViolations, 0);
    assert.deepEqual(r.stations, { '1.6': 2, '2.0.1': 2 });
    assert.ok(r.traffic.failSafeProfiles >= 8, `${r.traffic.failSafeProfiles} fail-safe profiles`);
    assert.ok(r.traffic.allocationProfiles >= 4, `${r.traffic.allocationProfiles} allocations`);
    assert.equal(r.traffic.failed + r.traffic.refused, 0);
    // The non-fleet car on the panel gets nothing while the fleet cars need it all: no profile needed (its default is 0 A).
    assert.equal(r.traffic.arrivalToProfileS.count, 3, 'every car that may charge got its allocation');
    assert.equal(r.traffic.limitEventToProfileS.filter((s) => s !== null && s < 1).length, 2, 'the limit drop and its end are followed by new allocations within a second');
    // The stations follow what the server sends as the in-process simulator applies what the core computes.
    const inProcess = simulate(fourChargers);
    assert.ok(Math.abs(r.energyKwh - inProcess.energyKwh) <= 0.03 * inProcess.energyKwh, `${r.energyKwh} kWh over OCPP, ${inProcess.energyKwh} kWh in-process`);
    assert.ok(r.cycles > 100, `${r.cycles} cycles`);
  });

  it('detects a station that ignores its limit and tightens the others by its draw', async () => {
    const limits: Array<number | null> = [];
    let flagged = false;
    const r = await simulateOverOcpp(rogue, {
      inspect: (server, stations) => {
        flagged = server.appliance.services.warnings.forStation('R0').some((w) => w.kind === 'balancer-overdraw');
        limits.push(stations.get('R1')!.limit());
      },
    });
    assert.ok(flagged, 'the overdraw is flagged');
    // 24 A usable: the first car 15.9 A (11 kW), the rogue 8.1 A but it takes 15.9 A; once that is reserved the first gets 8.1 A.
    assert.ok(limits[0] !== undefined && limits[0] !== null && limits[0] <= 8.1 + 1e-9, `R1 is held at ${limits[0]} A`);
    assert.equal(r.violationSeconds, 0, r.firstViolation ?? '');
  });
});
