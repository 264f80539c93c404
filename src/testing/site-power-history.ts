import type { SitePowerMinute } from '../storage/site-power-repo.ts';

const VOLTAGE_V = 230;

/** 24 h of per-minute site power up to `now` for a plausible depot: building load by day, fleet charging by night. */
export function depotDay(now: number, gridLimitA: number): SitePowerMinute[] {
  const rows: SitePowerMinute[] = [];
  const end = Math.floor(now / 60_000) * 60;
  for (let minute = end - 86_400; minute < end; minute += 60) {
    const hour = (minute / 3600) % 24;
    const buildingW = 15_000 + 10_000 * Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
    const chargersW = hour >= 18 || hour < 6 ? 120_000 + 20_000 * Math.sin(minute / 900) : 20_000;
    const powerW = buildingW + chargersW;
    const perPhaseA = powerW / (3 * VOLTAGE_V);
    rows.push({ minute, samples: 12, powerW, powerMaxW: powerW * 1.05, phaseA: [perPhaseA, perPhaseA * 0.97, perPhaseA * 1.02], limitW: 3 * gridLimitA * VOLTAGE_V, limitA: gridLimitA, buildingW });
  }
  return rows;
}
