// Per grid phase: the current drawn now against the grid limit, as bars.
import type { SitePowerSample } from './site-power-api.ts';

const PHASES = ['L1', 'L2', 'L3'];
const whole = (a: number) => Math.round(a).toString();

export function PhaseBars({ sample }: { sample: SitePowerSample | null }) {
  return (
    <div class="phase-bars" data-testid="phase-bars">
      {PHASES.map((name, p) => {
        const now = sample?.phaseA[p] ?? 0;
        const limit = sample?.limitA?.[p] ?? null;
        const share = limit ? Math.min(1, now / limit) : 0;
        const level = share >= 0.95 ? ' phase-bar--full' : share >= 0.8 ? ' phase-bar--high' : '';
        return (
          <div key={name} class={`phase-bar${level}`} data-testid={`phase-${name}`} data-amps={now.toFixed(1)}>
            <span class="phase-bar__name">{name}</span>
            <span class="phase-bar__track" role="meter" aria-label={`${name} current`} aria-valuemin={0} aria-valuemax={limit ?? undefined} aria-valuenow={now}>
              <span class="phase-bar__fill" style={{ width: `${(limit ? share : 0) * 100}%` }} />
            </span>
            <span class="phase-bar__value">
              {sample ? `${whole(now)} A` : '—'}
              {limit !== null && <span class="muted"> / {whole(limit)} A</span>}
            </span>
          </div>
        );
      })}
    </div>
  );
}
