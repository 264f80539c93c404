import type { ChargingProfile } from '../../domain/charging-profile.ts';
import type { EvseAllocation } from '../core/index.ts';
import type { BalancerQuirks, EvseElectrical, StationElectrical } from '../site/model.ts';
import type { FallbackShare } from './fallback-shares.ts';

export type NewProfile = Omit<ChargingProfile, 'id'>;

/** Where the driver's live allocations go: per EVSE, above the fail-safe profiles (which stay at level 0). */
export const ALLOCATION_STACK_LEVEL = 1;
export const FALLBACK_STACK_LEVEL = 0;

const floor1 = (x: number) => Math.floor(x * 10 + 1e-6) / 10;

export function allocationLevel(quirks: BalancerQuirks): number {
  return quirks.stackLevel0Only ? 0 : ALLOCATION_STACK_LEVEL;
}

/** The purpose the driver's per-EVSE allocation is sent as: TxProfile, or TxDefaultProfile for stations that refuse TxProfile. */
export function allocationPurpose(quirks: BalancerQuirks): 'tx' | 'txDefault' {
  return quirks.noTxProfile ? 'txDefault' : 'tx';
}

/**
 * A session's allocation as a profile: relative (from the start of the transaction, so no clock needs to agree),
 * one period of `limit` in `unit`, with the number of phases for AC.
 */
export function allocationProfile(a: EvseAllocation, station: StationElectrical, evse: EvseElectrical, transactionId: number): NewProfile {
  const purpose = allocationPurpose(station.quirks);
  const limit = a.unit === 'W' ? Math.floor(a.limit) : floor1(a.limit);
  const period = { startSeconds: 0, limit, ...(evse.kind === 'AC' && a.phasesToUse > 0 ? { phases: a.phasesToUse } : {}) };
  return {
    stackLevel: allocationLevel(station.quirks),
    purpose,
    kind: 'relative',
    ...(purpose === 'tx' ? { transactionId } : {}),
    schedule: { unit: a.unit, periods: [period] },
  };
}

/** The unit a station's fail-safe profiles use: what it accepts, else A unless all its EVSEs take W. */
export function stationUnit(station: StationElectrical): 'A' | 'W' {
  if (station.quirks.unitOnly) return station.quirks.unitOnly;
  return station.evses.length > 0 && station.evses.every((e) => e.unit === 'W') ? 'W' : 'A';
}

/**
 * A per-phase current as a station-wide limit in `unit`. In W it must hold on the worst phase: for DC stations the
 * AC input is balanced (output = input × efficiency), for AC a single-phase car could put it all on one phase.
 */
export function shareValue(share: FallbackShare, amps: number, unit: 'A' | 'W', voltageV: number): number {
  if (unit === 'A') return floor1(amps);
  if (share.allDc) return Math.floor(amps * voltageV * Math.max(1, share.gridPhases.length) * 0.95);
  return Math.floor(amps * voltageV);
}

export interface FallbackProfiles {
  stationMax: NewProfile;
  txDefault: NewProfile;
  /** Whether they hold a period that ends (so they must be renewed while Ampyard runs). */
  leased: boolean;
}

/**
 * The fail-safe ("dead man's switch") profiles, both absolute from `now`, on EVSE 0 at stack level 0:
 * - ChargingStationMaxProfile (1.6 ChargePointMaxProfile): the station's full capacity for `leaseSeconds`, then its
 *   fail-safe share for good. Ampyard renews it well before the lease ends; when Ampyard stops, every station falls
 *   to its share within one lease, and the shares together fit every circuit at its tightest.
 * - TxDefaultProfile: 0 for `leaseSeconds` (a car that plugs in waits for its allocation, so idle EVSEs need no
 *   reservation in the live allocation), then the share (without Ampyard, new sessions charge within the share).
 * Live allocations (TxProfile, level 1) sit under the max profile; while it is leased they may use all the spare
 * capacity the allocation core finds, and they never need to be kept under the fail-safe share.
 */
export function fallbackProfiles(share: FallbackShare, unit: 'A' | 'W', voltageV: number, leaseSeconds: number, now: number): FallbackProfiles {
  const startSchedule = new Date(Math.floor(now / 1000) * 1000).toISOString();
  const lease = Math.max(1, Math.round(leaseSeconds));
  const safe = shareValue(share, share.shareA, unit, voltageV);
  const full = unit === 'A' ? Math.max(safe, floor1(share.physicalA)) : Math.max(safe, Math.floor(share.physicalW));
  const maxPeriods = full > safe ? [{ startSeconds: 0, limit: full }, { startSeconds: lease, limit: safe }] : [{ startSeconds: 0, limit: safe }];
  const defaultPeriods = safe > 0 ? [{ startSeconds: 0, limit: 0 }, { startSeconds: lease, limit: safe }] : [{ startSeconds: 0, limit: 0 }];
  return {
    stationMax: { stackLevel: FALLBACK_STACK_LEVEL, purpose: 'stationMax', kind: 'absolute', schedule: { unit, startSchedule, periods: maxPeriods } },
    txDefault: { stackLevel: FALLBACK_STACK_LEVEL, purpose: 'txDefault', kind: 'absolute', schedule: { unit, startSchedule, periods: defaultPeriods } },
    leased: maxPeriods.length > 1 || defaultPeriods.length > 1,
  };
}
