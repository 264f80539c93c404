import type { MeterSample } from './meter.ts';

/**
 * Station quirk (`quirks.energyRegisterUnit: 'kWh'`): its energy registers are kWh though labelled Wh or sent
 * without a unit. Set by the operator, or by Ampyard when a 1.6 session shows it (see looksLikeKwh).
 */
export const REGISTER_UNIT_QUIRK = 'energyRegisterUnit';

const isRegister = (s: MeterSample) => s.measurand.startsWith('Energy.') && s.measurand.endsWith('.Register');
/**
 * Taken as Wh or varh as the station labelled it (or left it out), without a 2.x multiplier: what such a station
 * gets wrong. A reading it scaled itself (kWh, or Wh with multiplier 3) is right already.
 */
const takenAsLabelled = (s: MeterSample) => (s.rawUnit === null || s.rawUnit === 'Wh' || s.rawUnit === 'varh') && s.value === Number(s.rawValue);

/** Energy registers labelled Wh (or without a unit) read as kWh: value × 1000; what the station sent is kept raw. */
export function registersFromKwh(samples: MeterSample[]): MeterSample[] {
  return samples.map((s) => (isRegister(s) && takenAsLabelled(s) && s.value !== null ? { ...s, value: s.value * 1000 } : s));
}

/**
 * Whether a 1.6 session's register reading is kWh labelled Wh, judged against its meterStart (Wh by the spec):
 * a reading near a thousandth of a meterStart of at least 10 kWh (so that the ratio is unmistakable) that, read as
 * kWh, is at most 1 kWh below it (the register's rounding) and at most 1 MWh above it.
 */
export function looksLikeKwh(samples: MeterSample[], meterStartWh: number | null): number | undefined {
  if (meterStartWh === null || meterStartWh < 10_000) return undefined;
  const reading = samples.find((s) => s.measurand === 'Energy.Active.Import.Register' && s.phase === null && takenAsLabelled(s) && s.value !== null)?.value;
  if (reading === undefined || reading === null) return undefined;
  const asWh = reading * 1000;
  return reading <= meterStartWh / 100 && asWh >= meterStartWh - 1000 && asWh <= meterStartWh + 1_000_000 ? reading : undefined;
}
