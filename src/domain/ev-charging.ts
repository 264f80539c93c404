import type { EvChargingRepo } from '../storage/ev-charging-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import type { ReportedSchedule } from './reported-schedule.ts';

/**
 * What an EV asked for over ISO 15118 (OCPP 2.x NotifyEVChargingNeeds, K15-K17), for the load balancer:
 * when it leaves, how much energy it wants, how fast it can take it. Fields the EV did not give are null.
 */
export interface EvChargingNeeds {
  stationId: string;
  evseId: number;
  /** Ampyard's id of the transaction running on the EVSE when the needs arrived. */
  transactionId: number | null;
  /** `AC_single_phase`, `AC_two_phase`, `AC_three_phase`, `DC` (OCPP 2.1 adds bidirectional modes). */
  requestedEnergyTransfer: string;
  departureTime: string | null;
  energyAmountWh: number | null;
  evMinCurrentA: number | null;
  evMaxCurrentA: number | null;
  evMaxVoltageV: number | null;
  evMaxPowerW: number | null;
  stateOfCharge: number | null;
  evEnergyCapacityWh: number | null;
  /** How many schedule periods the EV can take. */
  maxScheduleTuples: number | null;
  /** The station's ChargingNeedsType as received (OCPP 2.1 adds V2X and DER parameters). */
  chargingNeeds: Record<string, unknown>;
  reportedAt: string;
}

/** The schedule the EV chose within the limits it was given (NotifyEVChargingSchedule, K17). */
export interface EvChargingSchedule {
  stationId: string;
  evseId: number;
  transactionId: number | null;
  timeBase: string;
  schedule: ReportedSchedule;
  /** OCPP 2.1: which of the offered schedules the EV chose, and whether it accepts the power tolerance. */
  selectedChargingScheduleId: number | null;
  powerToleranceAcceptance: boolean | null;
  reportedAt: string;
}

/** The latest needs and EV schedule per EVSE; they go when their transaction ends (the EV has left). */
export class EvChargingService {
  private readonly repo: EvChargingRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;

  constructor(repo: EvChargingRepo, writes: WriteQueue, events: EventBus) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    events.subscribe((event) => {
      if (event.type === 'transaction.ended') this.transactionEnded(event.data.id).catch(() => undefined);
    });
  }

  async needsReported(needs: Omit<EvChargingNeeds, 'reportedAt'>): Promise<EvChargingNeeds> {
    const stored: EvChargingNeeds = { ...needs, reportedAt: new Date().toISOString() };
    await this.writes.run(() => this.repo.saveNeeds(stored));
    this.events.publish({ type: 'ev.charging-needs', data: { stationId: stored.stationId, evseId: stored.evseId, needs: stored } });
    return stored;
  }

  async scheduleReported(schedule: Omit<EvChargingSchedule, 'reportedAt'>): Promise<EvChargingSchedule> {
    const stored: EvChargingSchedule = { ...schedule, reportedAt: new Date().toISOString() };
    await this.writes.run(() => this.repo.saveSchedule(stored));
    return stored;
  }

  needs(stationId: string): EvChargingNeeds[] {
    return this.repo.needs(stationId);
  }

  schedules(stationId: string): EvChargingSchedule[] {
    return this.repo.schedules(stationId);
  }

  private async transactionEnded(transactionId: number): Promise<void> {
    const gone = await this.writes.run(() => this.repo.removeTransaction(transactionId));
    for (const { stationId, evseId } of gone) this.events.publish({ type: 'ev.charging-needs', data: { stationId, evseId, needs: null } });
  }
}
