import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { StationSession } from '../sessions.ts';
import { KeepaliveSweep } from './keepalive.ts';

interface FakeSession {
  stationId: string;
  alive: boolean;
  keepaliveSlot: number;
  pings: number[];
  socket: { ping: () => void };
}

function fleet(sweep: KeepaliveSweep, count: number, now: () => number): FakeSession[] {
  return Array.from({ length: count }, (_, i) => {
    const session: FakeSession = { stationId: `CP${i}`, alive: true, keepaliveSlot: sweep.assignSlot(), pings: [], socket: { ping: () => session.pings.push(now()) } };
    return session;
  });
}

describe('keepalive sweep', () => {
  it('pings each connection once per period, spread evenly over the period, and ends one that stays silent', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let now = 0;
    let sessions: FakeSession[] = [];
    const dead: string[] = [];
    const sweep = new KeepaliveSweep(30_000, () => sessions as unknown as StationSession[], (s) => dead.push(s.stationId));
    assert.equal(sweep.slices, 120);
    sessions = fleet(sweep, 3_000, () => now);

    const perTick: number[] = [];
    for (let tick = 1; tick <= 240; tick++) {
      const before = sessions.reduce((n, s) => n + s.pings.length, 0);
      now = tick * 250;
      t.mock.timers.tick(250);
      perTick.push(sessions.reduce((n, s) => n + s.pings.length, 0) - before);
      // Every station but the last answers its ping at once.
      for (const s of sessions.slice(0, -1)) s.alive = true;
    }
    // 3,000 connections over 120 slices: 25 pings a tick, never all at once.
    assert.deepEqual(new Set(perTick.slice(0, 119)), new Set([25]));
    for (const s of sessions.slice(0, -1)) {
      assert.equal(s.pings.length, 2, s.stationId);
      assert.equal(s.pings[1]! - s.pings[0]!, 30_000);
    }
    // The silent one was pinged once and ended one period later, and only it.
    const silent = sessions.at(-1)!;
    assert.equal(silent.pings.length, 1);
    assert.deepEqual(dead, [silent.stationId]);
    sweep.stop();
  });

  it('divides the period into slices of about a quarter second: at most 120, at least 250 ms each', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      for (const [periodMs, slices] of [[1_000, 4], [200, 1], [30_000, 120], [3_600_000, 120]] as const) {
        const sweep = new KeepaliveSweep(periodMs, () => [], () => undefined);
        assert.equal(sweep.slices, slices, `${periodMs} ms`);
        sweep.stop();
      }
    } finally {
      mock.timers.reset();
    }
  });

  it('ends a connection whose ping cannot be sent', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const dead: string[] = [];
    const sweep = new KeepaliveSweep(1_000, () => sessions as unknown as StationSession[], (s) => dead.push(s.stationId));
    const sessions = [{ stationId: 'CP-BROKEN', alive: true, keepaliveSlot: sweep.assignSlot(), socket: { ping: () => { throw new Error('socket closed'); } } }];
    t.mock.timers.tick(250);
    assert.deepEqual(dead, ['CP-BROKEN']);
    sweep.stop();
  });
});
