import type { CarSpec } from './scenario.ts';

/** Share of the car's peak power it takes at a state of charge: full up to 80 %, then down to 10 % at 100 %. */
export function taper(socPct: number): number {
  return socPct <= 80 ? 1 : Math.max(0.1, 1 - (4.5 * (socPct - 80)) / 100);
}

export interface CarDraw {
  /** Current per EVSE phase. */
  evsePhaseA: [number, number, number];
  /** Power into the battery (AC: at the EVSE; DC: the DC output). */
  powerW: number;
}

const NONE: CarDraw = { evsePhaseA: [0, 0, 0], powerW: 0 };

/**
 * What the car draws given the limit it follows (per-phase A, or W for W-unit stations and DC), at its state of
 * charge. It stops at its target state of charge.
 */
export function carDraw(car: CarSpec, socPct: number, followed: { value: number; unit: 'A' | 'W'; phasesToUse: number }, evse: { kind: 'AC' | 'DC'; phases: number; voltageV: number; maxCurrentA: number; maxPowerW: number; dcEfficiency: number }, ignoresLimit: boolean): CarDraw {
  if (socPct >= car.targetSocPct - 1e-9) return NONE;
  const peakW = car.maxPowerW * taper(socPct);
  if (evse.kind === 'DC') {
    const limitW = ignoresLimit ? Infinity : followed.unit === 'W' ? followed.value : followed.value * evse.voltageV * evse.phases * evse.dcEfficiency;
    const powerW = Math.max(0, Math.min(peakW, limitW, evse.maxPowerW));
    const perPhase = powerW / evse.dcEfficiency / (3 * evse.voltageV);
    return { evsePhaseA: [perPhase, perPhase, perPhase], powerW };
  }
  const phases = Math.min(car.phases, evse.phases);
  // A W limit is turned into amperes by the station over the phases it was told are in use.
  const limitA = ignoresLimit ? Infinity : followed.unit === 'A' ? followed.value : followed.value / (evse.voltageV * Math.max(1, followed.phasesToUse));
  const amps = Math.max(0, Math.min(limitA, evse.maxCurrentA, peakW / (evse.voltageV * phases), evse.maxPowerW / (evse.voltageV * phases)));
  // Cars pause below 6 A (IEC 61851: a signal under 6 A means no charging).
  const a = amps < 6 - 1e-9 ? 0 : amps;
  const evsePhaseA: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < phases; i++) evsePhaseA[i] = a;
  return { evsePhaseA, powerW: a * evse.voltageV * phases };
}
