import type { Logger } from '../log/logger.ts';
import type { NewReservation, ReservationsRepo } from '../storage/reservations-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { EventBus } from './events.ts';
import { openReservationStatuses, type Reservation, type ReservationFilter, type ReservationStatus } from './reservation.ts';
import type { Transaction } from './transaction.ts';

export type { Reservation };

/** setTimeout's longest delay; a reservation further out is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The answers a station may give to a reservation request, as statuses. */
const answerStatuses: readonly ReservationStatus[] = ['accepted', 'faulted', 'occupied', 'rejected', 'unavailable'];

/**
 * Reservations from request to their end: the station's answer, use by a transaction (which carries the
 * reservation id), cancellation, or expiry, which a timer marks (also for those that expired while Ampyard was down).
 */
export class ReservationService {
  private readonly repo: ReservationsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly log: Logger;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(repo: ReservationsRepo, writes: WriteQueue, events: EventBus, log: Logger) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.log = log;
    events.subscribe((event) => {
      if (event.type === 'transaction.started' && event.data.reservationId !== null) {
        this.transactionStarted(event.data).catch((error: Error) => log.error('could not link a transaction to its reservation', { error: error.message }));
      }
    });
    for (const reservation of repo.open()) this.schedule(reservation);
  }

  get(id: number): Reservation | undefined {
    return this.repo.get(id);
  }

  list(filter: ReservationFilter): { items: Reservation[]; total: number } {
    return this.repo.list(filter);
  }

  /** Records a reservation about to be requested from its station. */
  async create(input: NewReservation): Promise<Reservation> {
    const reservation = await this.writes.run(() => this.repo.get(this.repo.insert(input, new Date().toISOString()))!);
    this.schedule(reservation);
    this.events.publish({ type: 'reservation.updated', data: reservation });
    return reservation;
  }

  /** The station's answer to ReserveNow. */
  answered(id: number, answer: string): Promise<Reservation | undefined> {
    const status = answerStatuses.includes(answer as ReservationStatus) ? (answer as ReservationStatus) : 'rejected';
    return this.change(id, status, ['requested']);
  }

  /** The station accepted a cancellation, or (2.x ReservationStatusUpdate) removed or expired it itself. */
  ended(id: number, status: 'cancelled' | 'expired'): Promise<Reservation | undefined> {
    return this.change(id, status, openReservationStatuses);
  }

  /** Stops the expiry timers (on shutdown). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async transactionStarted(tx: Transaction): Promise<void> {
    const id = tx.reservationId!;
    const used = await this.writes.run(() => this.repo.use(id, tx.stationId, tx.id, new Date().toISOString()));
    if (!used) {
      this.log.info('a transaction named a reservation Ampyard does not hold open', { station: tx.stationId, reservation: id, transaction: tx.id });
      return;
    }
    this.unschedule(id);
    this.publish(id);
  }

  private async change(id: number, status: ReservationStatus, from: readonly ReservationStatus[]): Promise<Reservation | undefined> {
    const changed = await this.writes.run(() => this.repo.setStatus(id, status, from, new Date().toISOString()));
    if (!changed) return this.repo.get(id);
    if (!openReservationStatuses.includes(status)) this.unschedule(id);
    return this.publish(id);
  }

  private schedule(reservation: Reservation): void {
    this.unschedule(reservation.id);
    const delay = Math.min(Math.max(0, Date.parse(reservation.expiresAt) - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(reservation.id);
      this.expire(reservation.id).catch((error: Error) => this.log.warn('could not expire a reservation', { reservation: reservation.id, error: error.message }));
    }, delay);
    timer.unref();
    this.timers.set(reservation.id, timer);
  }

  private async expire(id: number): Promise<void> {
    const expired = await this.writes.run(() => this.repo.expire(id, new Date().toISOString()));
    if (expired) {
      this.publish(id);
      return;
    }
    const reservation = this.repo.get(id);
    if (reservation && openReservationStatuses.includes(reservation.status)) this.schedule(reservation);
  }

  private unschedule(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  private publish(id: number): Reservation | undefined {
    const reservation = this.repo.get(id);
    if (reservation) this.events.publish({ type: 'reservation.updated', data: reservation });
    return reservation;
  }
}
