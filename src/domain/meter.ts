/** A meter reading in version-neutral, unit-normalised form (energy in Wh, power in W, current in A…). */
export interface MeterSample {
  timestamp: string;
  measurand: string;
  phase: string | null;
  location: string | null;
  context: string | null;
  unit: string | null;
  value: number | null;
  rawValue: string;
  rawUnit: string | null;
  /** Signed meter data (e.g. OCMF) exactly as the station sent it, for calibration-law audits. */
  signedData: string | null;
}

const scale: Record<string, [string, number]> = {
  Wh: ['Wh', 1],
  kWh: ['Wh', 1000],
  varh: ['varh', 1],
  kvarh: ['varh', 1000],
  W: ['W', 1],
  kW: ['W', 1000],
  VA: ['VA', 1],
  kVA: ['VA', 1000],
  var: ['var', 1],
  kvar: ['var', 1000],
  A: ['A', 1],
  V: ['V', 1],
  K: ['K', 1],
  Celsius: ['Celsius', 1],
  Celcius: ['Celsius', 1],
  Fahrenheit: ['Fahrenheit', 1],
  Percent: ['Percent', 1],
  Hz: ['Hz', 1],
};

/** The unit a measurand has when the station leaves it out (OCPP's defaults: Wh for energy, W for power…). */
export function defaultUnit(measurand: string): string | null {
  if (measurand.startsWith('Energy.Reactive')) return 'varh';
  if (measurand.startsWith('Energy')) return 'Wh';
  if (measurand.startsWith('Power.Reactive')) return 'var';
  if (measurand === 'Power.Factor') return null;
  if (measurand.startsWith('Power')) return 'W';
  if (measurand.startsWith('Current')) return 'A';
  if (measurand === 'Voltage') return 'V';
  if (measurand === 'SoC') return 'Percent';
  if (measurand === 'Temperature') return 'Celsius';
  if (measurand === 'Frequency') return 'Hz';
  return null;
}

/** Voltage phases labelled L1 instead of L1-N: a phase voltage is line-to-neutral. */
function normalisePhase(measurand: string, phase: string | null): string | null {
  if (measurand === 'Voltage' && (phase === 'L1' || phase === 'L2' || phase === 'L3')) return `${phase}-N`;
  return phase;
}

export interface RawSample {
  timestamp: string;
  measurand?: string;
  phase?: string;
  location?: string;
  context?: string;
  unit?: string;
  value: string | number;
  signedData?: string | null;
}

export function normaliseSample(raw: RawSample): MeterSample {
  const measurand = raw.measurand ?? 'Energy.Active.Import.Register';
  const rawUnit = raw.unit ?? null;
  const unitIn = rawUnit ?? defaultUnit(measurand);
  const rawValue = String(raw.value);
  const number = raw.signedData === undefined || raw.signedData === null ? Number(rawValue.trim()) : NaN;
  const conversion = unitIn ? scale[unitIn] : undefined;
  const value = Number.isFinite(number) && rawValue.trim() !== '' ? number * (conversion?.[1] ?? 1) : null;
  return {
    timestamp: raw.timestamp,
    measurand,
    phase: normalisePhase(measurand, raw.phase ?? null),
    location: raw.location ?? null,
    context: raw.context ?? null,
    unit: conversion?.[0] ?? unitIn,
    value,
    rawValue,
    rawUnit,
    signedData: raw.signedData ?? null,
  };
}

/** The whole-of-EVSE energy register (no phase), in Wh, if the samples hold one. */
export function energyRegister(samples: MeterSample[]): number | null {
  return samples.find(isRegisterReading)?.value ?? null;
}

/** A reading of the whole-of-EVSE energy register (what sessions' energy is computed from). */
export function isRegisterReading(s: MeterSample): boolean {
  return s.measurand === 'Energy.Active.Import.Register' && s.phase === null && s.value !== null;
}

const mayGivePower = (s: MeterSample) => s.measurand === 'Power.Active.Import' || s.measurand === 'Current.Import';

/**
 * Active import power in W: the total when reported, else the sum of the phases, else (for chargers that
 * report only per-phase current) current × voltage per phase with 230 V where no voltage is reported.
 */
export function activePower(samples: MeterSample[]): number | null {
  // Most chargers report energy alone: no power to find, and nothing to allocate (this runs for every meter value).
  if (!samples.some(mayGivePower)) return null;
  const total = samples.find((s) => s.measurand === 'Power.Active.Import' && s.phase === null && s.value !== null);
  if (total) return total.value;
  const phases = samples.filter((s) => s.measurand === 'Power.Active.Import' && s.phase !== null && s.value !== null);
  if (phases.length) return phases.reduce((sum, s) => sum + s.value!, 0);
  const currents = samples.filter((s) => s.measurand === 'Current.Import' && s.phase && /^L[123]$/.test(s.phase) && s.value !== null);
  if (!currents.length) return null;
  return currents.reduce((sum, c) => {
    const voltage = samples.find((s) => s.measurand === 'Voltage' && s.phase === `${c.phase}-N` && s.value !== null)?.value ?? 230;
    return sum + c.value! * voltage;
  }, 0);
}

/**
 * Register readings in time order, summarised so that more can be added later. `increase` is the energy
 * delivered over them, tolerant of a register that drops (meter reset or replaced) and climbs again: the sum of
 * the increases, where a drop counts the new reading as energy since the reset.
 */
export interface RegisterSummary {
  count: number;
  first: number | null;
  last: number | null;
  increase: number;
}

/** `readings` (in time order) added after those `previous` summarises. */
export function summariseRegister(readings: readonly number[], previous: RegisterSummary = { count: 0, first: null, last: null, increase: 0 }): RegisterSummary {
  const summary = { ...previous };
  for (const reading of readings) addReading(summary, reading);
  return summary;
}

/** Adds the next reading (in time order) to `summary`, in place. */
export function addReading(summary: RegisterSummary, reading: number): void {
  if (summary.last !== null) summary.increase += reading >= summary.last ? reading - summary.last : reading;
  summary.first ??= reading;
  summary.last = reading;
  summary.count++;
}

/**
 * A session's energy from its start register, its stored readings (summarised) and its stop register, as
 * the increase over [start, ...readings, stop] leaving out the nulls; null with fewer than two readings in all.
 */
export function sessionEnergy(startWh: number | null, stored: RegisterSummary, stopWh: number | null): number | null {
  const reading = (wh: number | null) => summariseRegister(wh === null ? [] : [wh]);
  const all = joinRegisters(joinRegisters(reading(startWh), stored), reading(stopWh));
  return all.count < 2 ? null : all.increase;
}

/** The summary of `a`'s readings followed by `b`'s. */
export function joinRegisters(a: RegisterSummary, b: RegisterSummary): RegisterSummary {
  if (a.count === 0 || b.count === 0) return { ...(a.count === 0 ? b : a) };
  const step = b.first! >= a.last! ? b.first! - a.last! : b.first!;
  return { count: a.count + b.count, first: a.first, last: b.last, increase: a.increase + step + b.increase };
}
