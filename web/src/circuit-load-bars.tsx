// A circuit's load per grid phase (L1/L2/L3) as bars against its usable limit (limit minus margin).
import type { CircuitLoad } from './site-api.ts';

const PHASES = ['L1', 'L2', 'L3'];
const amps = (x: number) => `${Math.round(x * 10) / 10} A`;

export function CircuitLoadBars({ load }: { load: CircuitLoad }) {
  return (
    <div class="load-bars" data-testid="circuit-load-bars">
      {PHASES.map((phase, p) => {
        const usable = Math.max(0, load.limitA[p]! - load.marginA);
        const measured = load.measuredA[p]!;
        const planned = load.allocatedA[p]! + load.loadA[p]!;
        const share = usable > 0 ? measured / usable : measured > 0 ? 1 : 0;
        const tone = share >= 0.95 ? 'fault' : share >= 0.8 ? 'waiting' : 'ok';
        const pct = (x: number) => `${Math.min(100, usable > 0 ? (x / usable) * 100 : 0)}%`;
        return (
          <div class="load-bar" key={phase} title={`building ${amps(load.loadA[p]!)}, allocated to chargers ${amps(load.allocatedA[p]!)}`}>
            <span class="load-bar__name">{phase}</span>
            <span class="load-bar__track" role="meter" aria-label={`${phase} load`} aria-valuemin={0} aria-valuemax={usable} aria-valuenow={measured}>
              <span class={`load-bar__fill load-bar__fill--${tone}`} style={{ width: pct(measured) }} />
              <span class="load-bar__planned" style={{ left: pct(planned) }} />
            </span>
            <span class="load-bar__value" data-testid={`load-${phase}`}>
              {amps(measured)} / {amps(usable)}
            </span>
          </div>
        );
      })}
    </div>
  );
}
