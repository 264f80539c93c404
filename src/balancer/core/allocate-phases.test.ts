import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ac, byEvse, circuitOf, grid, run, session, T0 } from './test-fixtures.ts';

describe('phase rotation and phases in use', () => {
  it('a 1-phase charger wired to L2 loads only L2', () => {
    const site = { circuits: [grid(40)], evses: [ac('A', 'grid', { phases: 1, rotation: ['L2'] })] };
    const r = run(site, { now: T0, sessions: [session('A')] });
    assert.equal(byEvse(r, 'A').currentA, 32);
    assert.deepEqual(byEvse(r, 'A').gridA, [0, 32, 0]);
    assert.deepEqual(circuitOf(r, 'grid').allocatedA, [0, 32, 0]);
  });

  it('1-phase chargers on different phases do not share a phase', () => {
    const site = { circuits: [grid(20)], evses: [ac('A', 'grid', { phases: 1, rotation: ['L1'] }), ac('B', 'grid', { phases: 1, rotation: ['L2'] }), ac('C', 'grid', { phases: 1, rotation: ['L1'] })] };
    const r = run(site, { now: T0, sessions: [session('A'), session('B'), session('C')] });
    assert.equal(byEvse(r, 'A').currentA, 10);
    assert.equal(byEvse(r, 'C').currentA, 10);
    assert.equal(byEvse(r, 'B').currentA, 20);
    assert.deepEqual(byEvse(r, 'A').binding, { kind: 'circuit', circuit: 'grid', phase: 'L1', utilisation: 1 });
  });

  it('a 3-phase EVSE with rotation L2-L3-L1 maps its phase 1 to grid L2 (a 1-phase car on it loads L2)', () => {
    const site = { circuits: [grid([32, 20, 32])], evses: [ac('R', 'grid', { rotation: ['L2', 'L3', 'L1'] })] };
    const threePhase = run(site, { now: T0, sessions: [session('R')] });
    assert.equal(byEvse(threePhase, 'R').currentA, 20);
    assert.equal(byEvse(threePhase, 'R').binding.kind, 'circuit');
    const onePhase = run(site, { now: T0, sessions: [session('R', { need: { phases: 1 } })] });
    assert.deepEqual(byEvse(onePhase, 'R').evsePhases, [0]);
    assert.deepEqual(byEvse(onePhase, 'R').gridA, [0, 20, 0]);
  });

  it('balances 3-phase chargers with rotations against 1-phase load on one grid phase', () => {
    const evses = [ac('A', 'grid'), ac('B', 'grid', { rotation: ['L2', 'L3', 'L1'] }), ac('P', 'grid', { phases: 1, rotation: ['L3'] })];
    const r = run({ circuits: [grid(40)], evses }, { now: T0, sessions: evses.map((e) => session(e.id)) });
    // L3 carries A, B and P: 40 / 3 each; A and B then stop at L3 too (one current per EVSE, all phases).
    assert.ok(Math.abs(byEvse(r, 'A').currentA - 13.3) < 0.05);
    assert.ok(Math.abs(byEvse(r, 'P').currentA - 13.3) < 0.05);
    assert.ok(circuitOf(r, 'grid').allocatedA[2] <= 40);
  });

  it('a 1-phase car on a 3-phase EVSE frees the other two phases for others (declared)', () => {
    const evses = [ac('A', 'grid'), ac('B', 'grid')];
    const r = run({ circuits: [grid(32)], evses }, { now: T0, sessions: [session('A', { need: { phases: 1 } }), session('B')] });
    assert.deepEqual(byEvse(r, 'A').gridA, [16, 0, 0]);
    assert.equal(byEvse(r, 'A').phasesToUse, 1);
    assert.equal(byEvse(r, 'B').currentA, 16);
    // B is held by L1 only; L2/L3 have room the 1-phase car does not use.
    assert.deepEqual(circuitOf(r, 'grid').allocatedA, [32, 16, 16]);
  });

  it('detects a 1-phase car from its measured currents and remembers it', () => {
    const evses = [ac('A', 'grid', { rotation: ['L3', 'L1', 'L2'] })];
    const site = { circuits: [grid(63)], evses };
    const first = run(site, { now: T0, sessions: [session('A', { measuredA: [15.8, 0.2, 0.1], measuredAt: T0 - 1000, lastAllocation: { currentA: 16, at: T0 - 60_000 } })] });
    assert.deepEqual(byEvse(first, 'A').gridA, [0, 0, 32]);
    assert.deepEqual(first.memory.sessions['s-A']!.carPhases, [0]);
    const later = run(site, { now: T0 + 5000, memory: first.memory, sessions: [session('A', { measuredA: [0, 0, 0], measuredAt: T0 + 4000 })] });
    assert.deepEqual(byEvse(later, 'A').evsePhases, [0]);
  });

  it('converts to W with the phases in use for W-unit AC stations', () => {
    const evses = [ac('W3', 'grid', { unit: 'W', maxCurrentA: 16 }), ac('W1', 'grid', { unit: 'W', maxCurrentA: 16 })];
    const r = run({ circuits: [grid(63)], evses }, { now: T0, sessions: [session('W3'), session('W1', { need: { phases: 1 } })] });
    assert.equal(byEvse(r, 'W3').limit, 16 * 230 * 3);
    assert.equal(byEvse(r, 'W1').limit, 16 * 230);
    assert.equal(byEvse(r, 'W1').unit, 'W');
  });

  it('notices a site model changed in place between cycles (rotation, circuit, parent)', () => {
    const site = { circuits: [grid(63), { id: 'P', parentId: 'grid', limitA: 10 }], evses: [ac('A', 'grid', { phases: 1, rotation: ['L1'] })] };
    const state = { now: T0, sessions: [session('A')] };
    assert.deepEqual(byEvse(run(site, state), 'A').gridA, [32, 0, 0]);
    site.evses[0]!.rotation = ['L3'];
    assert.deepEqual(byEvse(run(site, state), 'A').gridA, [0, 0, 32]);
    site.evses[0]!.circuitId = 'P';
    assert.equal(byEvse(run(site, state), 'A').currentA, 10);
    site.circuits[1]!.limitA = 40;
    site.circuits.push({ id: 'Q', parentId: 'grid', limitA: 8 });
    site.circuits[1]!.parentId = 'Q';
    assert.equal(byEvse(run(site, state), 'A').currentA, 8);
  });
});

