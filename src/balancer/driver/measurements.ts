import type { PerPhase } from '../core/index.ts';
import type { LatestSample } from '../../storage/live-readings-repo.ts';

/** What a session's station last measured, as the core wants it. */
export interface SessionReading {
  /** Current per EVSE phase (the station's L1, L2, L3); a reading without a phase counts on every phase. */
  currentA: PerPhase | null;
  powerW: number | null;
  at: number | null;
  socPct: number | null;
}

const phaseIndex = (phase: string | null): number | null => {
  if (phase === null) return null;
  const m = /^L([123])/.exec(phase);
  return m ? Number(m[1]) - 1 : null;
};

/** A session without any current, power or SoC sample (most: chargers commonly report energy alone); shared. */
const NO_READING: SessionReading = Object.freeze({ currentA: null, powerW: null, at: null, socPct: null });

/** The newest currents (else the newest power) and state of charge among a transaction's latest samples. */
export function readingOf(samples: LatestSample[]): SessionReading {
  if (samples.length === 0) return NO_READING;
  const out: SessionReading = { currentA: null, powerW: null, at: null, socPct: null };
  const soc = samples.find((s) => s.measurand === 'SoC');
  if (soc) out.socPct = soc.value;
  const currents = samples.filter((s) => s.measurand === 'Current.Import' && s.location !== 'Inlet' && s.location !== 'Body' && s.location !== 'Cable');
  if (currents.length) {
    const at = currents[0]!.timestamp;
    const latest = currents.filter((s) => s.timestamp === at);
    const amps: PerPhase = [0, 0, 0];
    const phased = latest.filter((s) => phaseIndex(s.phase) !== null);
    if (phased.length) for (const s of phased) amps[phaseIndex(s.phase)!] = Math.max(amps[phaseIndex(s.phase)!]!, Math.abs(s.value));
    else amps.fill(Math.abs(latest[0]!.value));
    out.currentA = amps;
    out.at = Date.parse(at);
  }
  const powers = samples.filter((s) => s.measurand === 'Power.Active.Import');
  if (powers.length) {
    const at = powers[0]!.timestamp;
    const latest = powers.filter((s) => s.timestamp === at);
    const total = latest.find((s) => s.phase === null);
    out.powerW = total ? total.value : latest.reduce((sum, s) => sum + s.value, 0);
    out.at ??= Date.parse(at);
  }
  return out;
}
