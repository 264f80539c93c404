import initial from './001-initial.ts';
import transactions from './002-transactions.ts';
import firmware from './003-firmware.ts';
import security from './004-security.ts';
import localListReservationsProfiles from './005-local-list-reservations-profiles.ts';
import deviceModel from './006-device-model.ts';
import meterValueDedup from './010-meter-value-dedup.ts';
import siteModel from './007-site-model.ts';
import diagnosticsDisplayTariffs from './008-diagnostics-display-tariffs.ts';
import users from './009-users.ts';
import stationSecurity from './011-station-security.ts';
import v2SmartChargingPublishingIso15118 from './012-v2-smart-charging-publishing-iso15118.ts';
import webhooks from './013-webhooks.ts';
import sitePowerHistory from './014-site-power-history.ts';
import idTokenGroups from './015-id-token-groups.ts';
import liveReadingsIndex from './016-live-readings-index.ts';
import balancerState from './017-balancer-state.ts';
import meterValueStationIndex from './018-meter-value-station-index.ts';
import meterValuesFoundByStation from './019-meter-values-found-by-station.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Forward-only and append-only: a released migration is never edited, a new one is added. */
export const migrations: Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'transactions', sql: transactions },
  { version: 3, name: 'firmware', sql: firmware },
  { version: 4, name: 'security', sql: security },
  { version: 5, name: 'local-list-reservations-profiles', sql: localListReservationsProfiles },
  { version: 6, name: 'device-model', sql: deviceModel },
  { version: 7, name: 'site-model', sql: siteModel },
  { version: 8, name: 'diagnostics-display-tariffs', sql: diagnosticsDisplayTariffs },
  { version: 9, name: 'users', sql: users },
  { version: 10, name: 'meter-value-dedup', sql: meterValueDedup },
  { version: 11, name: 'station-security', sql: stationSecurity },
  { version: 12, name: 'v2-smart-charging-publishing-iso15118', sql: v2SmartChargingPublishingIso15118 },
  { version: 13, name: 'webhooks', sql: webhooks },
  { version: 14, name: 'site-power-history', sql: sitePowerHistory },
  { version: 15, name: 'id-token-groups', sql: idTokenGroups },
  { version: 16, name: 'live-readings-index', sql: liveReadingsIndex },
  { version: 17, name: 'balancer-state', sql: balancerState },
  { version: 18, name: 'meter-value-station-index', sql: meterValueStationIndex },
  { version: 19, name: 'meter-values-found-by-station', sql: meterValuesFoundByStation },
];
