// A fleet vehicle's plan as the balancer sees it now: where it charges, how fast, whether it makes its departure.
import { formatDateTime } from './format.ts';
import type { Allocations, EvseAllocation } from './site-api.ts';

export function allocationOfVehicle(vehicleId: string, allocations: Allocations | undefined): EvseAllocation | undefined {
  return allocations?.evses.find((e) => e.vehicle?.id === vehicleId);
}

/** The plan in words, and its tone for `.tag--<tone>`. */
export function planStatus(a: EvseAllocation | undefined): { text: string; tone: 'active' | 'blocked' | 'accepted' | 'expired' } {
  if (!a) return { text: 'Not plugged in', tone: 'expired' };
  if (a.atRisk) return { text: `At risk: ${a.shortfallKwh.toFixed(1)} kWh short at departure`, tone: 'blocked' };
  if (a.needKwh === 0) return { text: 'Target reached', tone: 'accepted' };
  if (a.projectedReadyAt) return { text: `On track: ready ${formatDateTime(a.projectedReadyAt)}`, tone: 'accepted' };
  return { text: a.allocation.currentA > 0 ? 'Charging' : 'Paused', tone: 'active' };
}

export function PlanTag({ allocation }: { allocation: EvseAllocation | undefined }) {
  const { text, tone } = planStatus(allocation);
  return (
    <span class={`tag tag--${tone}`} data-testid="vehicle-plan-status">
      {text}
    </span>
  );
}

/** '16 A × 3' (and the unit sent, when it is W). */
export function allocationText(a: EvseAllocation): string {
  const { currentA, phasesToUse, limit, unit } = a.allocation;
  const amps = `${Math.round(currentA * 10) / 10} A × ${phasesToUse}`;
  return unit === 'W' ? `${amps} (${Math.round(limit)} W)` : amps;
}
