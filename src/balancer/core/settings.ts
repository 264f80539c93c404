import type { BalancerSettings, SiteModel } from './types.ts';

export const DEFAULT_SETTINGS: BalancerSettings = {
  meterStaleAfterS: 30,
  slotMinutes: 15,
  horizonHours: 48,
  limitLookAheadS: 60,
  rotationPeriodS: 600,
  underuseThresholdA: 1.5,
  underuseHeadroomA: 2,
  probeIntervalS: 300,
  probeDurationS: 60,
  settleS: 20,
  overdrawToleranceA: 1,
  priceEpsilon: 1e-6,
  futureReserve: 0.5,
  replanS: 30,
  waitLaxityS: 3600,
};

export const DEFAULT_VOLTAGE_V = 230;
/** IEC 61851-1: the lowest current an AC charger may signal. */
export const IEC_MIN_CURRENT_A = 6;
export const DEFAULT_DC_EFFICIENCY = 0.95;
export const DEFAULT_STEP_A = 0.1;

export function settingsOf(site: SiteModel): BalancerSettings {
  return site.settings ? { ...DEFAULT_SETTINGS, ...site.settings } : DEFAULT_SETTINGS;
}
