import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerRun } from './scenarios.ts';
import { capacityRatio, judgeTargets, percent } from './targets.ts';

const run = (messagesPerSec: number, topOfRampReached = false): ServerRun =>
  ({
    kind: 'ampyard', readyMs: 100, steps: [], storm: null, churn: null, sqliteBytesAtEnd: null, answeredTotals: {}, serverLog: { levels: {}, tail: [] }, peakRssMB: 0, errors: [],
    capacity: { messagesPerSec, step: '5000@1s', stations: 5000, meterIntervalSec: 1, topOfRampReached, cutShortByTimeBudget: false },
  }) as ServerRun;

const throughput = (ampyard: number, baseline: number) =>
  judgeTargets(run(ampyard), run(baseline, true), undefined, { heavy: 5000, storm: 5000 }).find((t) => t.name === 'throughput vs bare ws')!;

describe('benchmark targets', () => {
  it('judges throughput on the ratio itself: 49.94 % of the baseline is not 50 %', () => {
    const under = throughput(10_177, 20_377);
    assert.equal(under.pass, false);
    assert.match(under.actual, /^49\.9 % /);
    const over = throughput(10_190, 20_377);
    assert.equal(over.pass, true);
    assert.match(over.actual, /^50\.0 % /);
    assert.match(over.note ?? '', /upper bound/);
  });

  it('prints percentages rounded down, one decimal', () => {
    assert.equal(percent(0.49999), '49.9 %');
    assert.equal(percent(0.512), '51.2 %');
    assert.equal(capacityRatio(run(5000), run(0)), null);
  });
});
