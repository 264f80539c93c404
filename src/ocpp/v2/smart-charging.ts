import type { ReportedChargingProfile } from '../../domain/charging-profile-reports.ts';
import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import { int, list, num, obj, text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';
import { scheduleFrom2x, schedulesFrom2x } from './schedules.ts';

const purposes: Record<string, string> = {
  ChargingStationMaxProfile: 'stationMax',
  TxDefaultProfile: 'txDefault',
  TxProfile: 'tx',
  ChargingStationExternalConstraints: 'externalConstraints',
  PriorityCharging: 'priorityCharging',
  LocalGeneration: 'localGeneration',
};

const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const time = (value: unknown): string | null => (typeof value === 'string' ? normalizeTimestamp(value) : null);

/** Ampyard's transaction running on the EVSE, if any. */
function activeTransactionId(ctx: HandlerContext, evseId: number): number | null {
  return ctx.services.transactions.activeOnStation(ctx.stationId).find((tx) => tx.evseId === evseId)?.id ?? null;
}

function reportedProfile(ctx: HandlerContext, evseId: number, source: string, p: Record<string, unknown>): ReportedChargingProfile {
  const purpose = text(p['chargingProfilePurpose']) ?? '';
  const recurrency = text(p['recurrencyKind']);
  const stationTxId = text(p['transactionId']);
  return {
    evseId,
    source,
    id: int(p['id']) ?? 0,
    stackLevel: int(p['stackLevel']) ?? 0,
    purpose: purposes[purpose] ?? purpose,
    kind: (text(p['chargingProfileKind']) ?? '').toLowerCase(),
    recurrency: recurrency === 'Daily' ? 'daily' : recurrency === 'Weekly' ? 'weekly' : null,
    validFrom: time(p['validFrom']),
    validTo: time(p['validTo']),
    stationTxId,
    transactionId: stationTxId ? ctx.services.transactions.byStationTxId(ctx.stationId, stationTxId)?.id ?? null : null,
    schedules: schedulesFrom2x(p['chargingSchedule']),
  };
}

/**
 * OCPP 2.x K, what stations tell the CSMS: the profiles they hold (answer to getChargingProfiles), limits set
 * from outside (EMS, grid operator) and what ISO 15118 EVs ask for and plan. Stored for the API and published
 * for the load balancer (`charging-limit.updated`, `ev.charging-needs`).
 */
export const v2SmartCharging: HandlerTable = {
  async ReportChargingProfiles(ctx, p) {
    const evseId = p['evseId'] as number;
    const source = p['chargingLimitSource'] as string;
    const profiles = list(p['chargingProfile']).map((profile) => reportedProfile(ctx, evseId, source, profile));
    await ctx.services.chargingProfileReports.part(ctx.stationId, p['requestId'] as number, p['tbc'] !== true, profiles);
    return {};
  },

  async NotifyChargingLimit(ctx, p) {
    const limit = obj(p['chargingLimit']);
    await ctx.services.chargingLimits.notified({
      stationId: ctx.stationId,
      evseId: int(p['evseId']) ?? 0,
      source: limit['chargingLimitSource'] as string,
      gridCritical: bool(limit['isGridCritical']),
      localGeneration: bool(limit['isLocalGeneration']),
      schedules: schedulesFrom2x(p['chargingSchedule']),
    });
    return {};
  },

  async ClearedChargingLimit(ctx, p) {
    await ctx.services.chargingLimits.cleared(ctx.stationId, p['chargingLimitSource'] as string, int(p['evseId']));
    return {};
  },

  async NotifyEVChargingNeeds(ctx, p) {
    const evseId = p['evseId'] as number;
    const needs = obj(p['chargingNeeds']);
    const ac = obj(needs['acChargingParameters']);
    const dc = obj(needs['dcChargingParameters']);
    const v2x = obj(needs['v2xChargingParameters']);
    await ctx.services.evCharging.needsReported({
      stationId: ctx.stationId,
      evseId,
      transactionId: activeTransactionId(ctx, evseId),
      requestedEnergyTransfer: needs['requestedEnergyTransfer'] as string,
      departureTime: time(needs['departureTime']),
      energyAmountWh: num(ac['energyAmount']) ?? num(dc['energyAmount']) ?? num(v2x['evTargetEnergyRequest']),
      evMinCurrentA: num(ac['evMinCurrent']) ?? num(v2x['minChargeCurrent']),
      evMaxCurrentA: num(ac['evMaxCurrent']) ?? num(dc['evMaxCurrent']) ?? num(v2x['maxChargeCurrent']),
      evMaxVoltageV: num(ac['evMaxVoltage']) ?? num(dc['evMaxVoltage']) ?? num(v2x['maxVoltage']),
      evMaxPowerW: num(dc['evMaxPower']) ?? num(v2x['maxChargePower']),
      stateOfCharge: int(dc['stateOfCharge']),
      evEnergyCapacityWh: num(dc['evEnergyCapacity']),
      maxScheduleTuples: int(p['maxScheduleTuples']),
      chargingNeeds: needs,
    });
    // The load balancer takes the needs into the schedules it sets (K15: Accepted, a profile will follow).
    return { status: 'Accepted' };
  },

  async NotifyEVChargingSchedule(ctx, p) {
    const evseId = p['evseId'] as number;
    await ctx.services.evCharging.scheduleReported({
      stationId: ctx.stationId,
      evseId,
      transactionId: activeTransactionId(ctx, evseId),
      timeBase: normalizeTimestamp(p['timeBase']),
      schedule: scheduleFrom2x(p['chargingSchedule']),
      selectedChargingScheduleId: int(p['selectedChargingScheduleId']),
      powerToleranceAcceptance: bool(p['powerToleranceAcceptance']),
    });
    return { status: 'Accepted' };
  },
};
