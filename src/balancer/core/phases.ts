import type { EvseModel, PerPhase, Phase } from './types.ts';

export const PHASES: readonly Phase[] = ['L1', 'L2', 'L3'];

export const phaseIndex = (phase: Phase): number => (phase === 'L1' ? 0 : phase === 'L2' ? 1 : 2);

export const perPhase = (value: number | PerPhase): PerPhase => (typeof value === 'number' ? [value, value, value] : [value[0], value[1], value[2]]);

export const minPerPhase = (a: PerPhase, b: number | PerPhase | undefined): PerPhase => {
  if (b === undefined) return a;
  const v = perPhase(b);
  return [Math.min(a[0], v[0]), Math.min(a[1], v[1]), Math.min(a[2], v[2])];
};

const wiring = new WeakMap<EvseModel, number[]>();

/** Grid phase index of each of the EVSE's phases (remembered per EVSE object, checked against its rotation). */
export function gridPhasesOf(evse: EvseModel): number[] {
  const known = wiring.get(evse);
  if (known && known.length === evse.phases && known.every((p, i) => p === (evse.rotation?.[i] ? phaseIndex(evse.rotation[i]) : i))) return known;
  const out: number[] = [];
  for (let i = 0; i < evse.phases; i++) {
    const wired = evse.rotation?.[i];
    out.push(wired ? phaseIndex(wired) : i);
  }
  wiring.set(evse, out);
  return out;
}

/** Problems with an EVSE's phase wiring (a rotation must name distinct phases, one per EVSE phase). */
export function rotationProblems(evse: EvseModel): string[] {
  if (!evse.rotation) return [];
  if (evse.rotation.length !== evse.phases) return [`rotation of ${evse.id} names ${evse.rotation.length} phases, the EVSE has ${evse.phases}`];
  if (new Set(evse.rotation).size !== evse.rotation.length) return [`rotation of ${evse.id} repeats a phase`];
  return [];
}
