import type { Reservation, ReservationFilter, ReservationStatus } from '../domain/reservation.ts';
import type { Db } from './database.ts';

const columns = `id, station_id AS stationId, evse_id AS evseId, connector_type AS connectorType, id_token AS idToken,
  id_token_type AS idTokenType, group_id AS groupId, expires_at AS expiresAt, status, transaction_id AS transactionId,
  created_at AS createdAt, updated_at AS updatedAt`;

export type NewReservation = Pick<Reservation, 'stationId' | 'evseId' | 'connectorType' | 'idToken' | 'idTokenType' | 'groupId' | 'expiresAt'>;

export class ReservationsRepo {
  private readonly db: Db;
  private readonly s;

  constructor(db: Db) {
    this.db = db;
    this.s = {
      get: db.prepare(`SELECT ${columns} FROM reservations WHERE id = ?`),
      open: db.prepare(`SELECT ${columns} FROM reservations WHERE status IN ('requested', 'accepted') ORDER BY expires_at`),
      insert: db.prepare(`INSERT INTO reservations (station_id, evse_id, connector_type, id_token, id_token_type, group_id, expires_at, status, created_at, updated_at)
        VALUES (@stationId, @evseId, @connectorType, @idToken, @idTokenType, @groupId, @expiresAt, 'requested', @now, @now)`),
      use: db.prepare(`UPDATE reservations SET status = 'used', transaction_id = @transactionId, updated_at = @now
        WHERE id = @id AND station_id = @stationId AND status IN ('requested', 'accepted', 'expired')`),
      expire: db.prepare(`UPDATE reservations SET status = 'expired', updated_at = @now
        WHERE id = @id AND status IN ('requested', 'accepted') AND expires_at <= @now`),
    };
  }

  get(id: number): Reservation | undefined {
    return this.s.get.get(id) as Reservation | undefined;
  }

  open(): Reservation[] {
    return this.s.open.all() as Reservation[];
  }

  insert(reservation: NewReservation, now: string): number {
    return Number(this.s.insert.run({ ...reservation, now }).lastInsertRowid);
  }

  /** Changes the status only from one of `from`; returns whether it changed. */
  setStatus(id: number, status: ReservationStatus, from: readonly ReservationStatus[], now: string): boolean {
    const placeholders = from.map(() => '?').join(', ');
    return this.db.prepare(`UPDATE reservations SET status = ?, updated_at = ? WHERE id = ? AND status IN (${placeholders})`).run(status, now, id, ...from).changes > 0;
  }

  use(id: number, stationId: string, transactionId: number, now: string): boolean {
    return this.s.use.run({ id, stationId, transactionId, now }).changes > 0;
  }

  expire(id: number, now: string): boolean {
    return this.s.expire.run({ id, now }).changes > 0;
  }

  list(filter: ReservationFilter): { items: Reservation[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.stationId) {
      where.push('station_id = ?');
      args.push(filter.stationId);
    }
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM reservations ${clause}`).get(...args) as { n: number }).n;
    const items = this.db.prepare(`SELECT ${columns} FROM reservations ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as Reservation[];
    return { items, total };
  }
}
