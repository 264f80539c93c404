import { DEFAULT_SETTINGS, type BalancerSettings } from '../core/index.ts';
import { DEFAULT_DRIVER, type DriverSettings } from './model.ts';
import { balancerSettingsSchema } from './schemas.ts';

/** What each setting the API lets one tune is when it is not set (GET /site/config/defaults). */
export function tuningDefaults(): { balancer: Partial<BalancerSettings>; driver: DriverSettings } {
  const tunable = Object.keys(balancerSettingsSchema.properties) as Array<keyof BalancerSettings>;
  return { balancer: Object.fromEntries(tunable.map((key) => [key, DEFAULT_SETTINGS[key]])), driver: DEFAULT_DRIVER };
}
