import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { siteProblems } from './site-problems.ts';
import { ac, grid } from './test-fixtures.ts';

describe('site model problems', () => {
  it('accepts a sound tree and explains what is wrong with a broken one', () => {
    assert.deepEqual(siteProblems({ circuits: [grid(63), { id: 'P', parentId: 'grid', limitA: 32 }], evses: [ac('A', 'P', { rotation: ['L2', 'L3', 'L1'] })] }), []);
    const problems = siteProblems({
      circuits: [{ id: 'X', parentId: 'Y', limitA: 10 }, { id: 'Y', parentId: 'X', limitA: -1 }, { id: 'Z', parentId: 'nope', limitA: 5 }],
      evses: [ac('A', 'nowhere', { rotation: ['L1', 'L1', 'L2'] }), ac('B', 'X', { maxCurrentA: 4 }), ac('B', 'X')],
    });
    assert.deepEqual(problems, [
      'circuit Y: limitA must be at least 0',
      'no root circuit (the grid connection has no parentId)',
      'circuit X is part of a loop',
      'circuit Y is part of a loop',
      'circuit Z names an unknown parent nope',
      'EVSE A is on an unknown circuit nowhere',
      'rotation of A repeats a phase',
      'EVSE B: maxCurrentA 4 is below its minimum 6',
      'EVSE B is defined twice',
    ]);
  });
});
