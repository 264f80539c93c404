import type { ChargingLimit } from '../../domain/charging-limits.ts';

/**
 * The lowest limit in force at `now` among external limits a station reported (OCPP 2.x NotifyChargingLimit), per
 * unit; A wins over W when both apply. A schedule without a start counts from when it was reported.
 */
export function limitNow(limits: ChargingLimit[], now: number): { unit: 'A' | 'W'; limit: number } | undefined {
  const lowest: Record<'A' | 'W', number> = { A: Infinity, W: Infinity };
  for (const l of limits) {
    for (const s of l.schedules) {
      const start = Date.parse(s.startSchedule ?? l.reportedAt);
      const elapsed = (now - start) / 1000;
      if (elapsed < 0 || (s.duration !== null && elapsed >= s.duration)) continue;
      let value: number | null = null;
      for (const p of s.periods) if (p.startSeconds <= elapsed) value = p.limit;
      if (value !== null) lowest[s.unit] = Math.min(lowest[s.unit], value);
    }
  }
  if (Number.isFinite(lowest.A)) return { unit: 'A', limit: lowest.A };
  if (Number.isFinite(lowest.W)) return { unit: 'W', limit: lowest.W };
  return undefined;
}
