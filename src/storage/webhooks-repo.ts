import type { DeliveryStatus, WebhookDelivery } from '../domain/webhook.ts';
import type { Db } from './database.ts';

export interface WebhookRow {
  id: number;
  url: string;
  description: string;
  secret: string;
  events: string[];
  enabled: boolean;
  dropped: number;
  createdAt: string;
  updatedAt: string;
}

type RawWebhook = Omit<WebhookRow, 'events' | 'enabled'> & { events: string; enabled: number };

const webhookColumns = 'id, url, description, secret, events, enabled, dropped, created_at AS createdAt, updated_at AS updatedAt';

const toWebhook = (row: RawWebhook): WebhookRow => ({ ...row, events: JSON.parse(row.events) as string[], enabled: row.enabled === 1 });

const deliveryColumns = `delivery_id AS id, webhook_id AS webhookId, event_id AS eventId, event_type AS eventType, status, attempts,
  next_attempt_at AS nextAttemptAt, last_attempt_at AS lastAttemptAt, response_status AS responseStatus, last_error AS error,
  duration_ms AS durationMs, created_at AS createdAt, finished_at AS finishedAt`;

type RawDelivery = Omit<WebhookDelivery, 'nextAttemptAt'> & { nextAttemptAt: number };

const toDelivery = (row: RawDelivery): WebhookDelivery => ({ ...row, nextAttemptAt: row.status === 'pending' ? new Date(row.nextAttemptAt).toISOString() : null });

/** A delivery the sender is about to attempt: what it needs to send it. */
export interface DueDelivery {
  rowId: number;
  webhookId: number;
  deliveryId: string;
  eventType: string;
  body: string;
  attempts: number;
}

export interface NewDelivery {
  webhookId: number;
  deliveryId: string;
  eventId: string;
  eventType: string;
  body: string;
  dueAt: number;
  createdAt: string;
}

export interface AttemptOutcome {
  rowId: number;
  status: DeliveryStatus;
  nextAttemptAt: number;
  at: string;
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** Webhooks and their persistent delivery queue (pending rows) and log (finished rows). */
export class WebhooksRepo {
  private readonly db: Db;
  private readonly s;

  constructor(db: Db) {
    this.db = db;
    this.s = {
      list: db.prepare(`SELECT ${webhookColumns} FROM webhooks ORDER BY id`),
      byId: db.prepare(`SELECT ${webhookColumns} FROM webhooks WHERE id = ?`),
      insert: db.prepare(`INSERT INTO webhooks (url, description, secret, events, enabled, created_at, updated_at)
        VALUES (@url, @description, @secret, @events, @enabled, @now, @now)`),
      update: db.prepare(`UPDATE webhooks SET url = @url, description = @description, secret = @secret, events = @events,
        enabled = @enabled, updated_at = @now WHERE id = @id`),
      remove: db.prepare('DELETE FROM webhooks WHERE id = ?'),
      pendingCounts: db.prepare(`SELECT webhook_id AS webhookId, COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending' GROUP BY webhook_id`),
      pendingOf: db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'`),
      pendingTotal: db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'`),
      lastAttempt: db.prepare(`SELECT last_attempt_at AS at, status, response_status AS responseStatus FROM webhook_deliveries
        WHERE webhook_id = ? AND last_attempt_at IS NOT NULL ORDER BY last_attempt_at DESC, id DESC LIMIT 1`),
      insertDelivery: db.prepare(`INSERT INTO webhook_deliveries (webhook_id, delivery_id, event_id, event_type, body, next_attempt_at, created_at)
        VALUES (@webhookId, @deliveryId, @eventId, @eventType, @body, @dueAt, @createdAt)`),
      dropOldest: db.prepare(`UPDATE webhook_deliveries SET status = 'dropped', finished_at = @now, last_error = 'dropped: the queue of this webhook was full'
        WHERE id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = @webhookId AND status = 'pending'
          AND id NOT IN (SELECT value FROM json_each(@busy)) ORDER BY id LIMIT @count)`),
      countDropped: db.prepare('UPDATE webhooks SET dropped = dropped + @count WHERE id = @webhookId'),
      due: db.prepare(`SELECT id AS rowId, webhook_id AS webhookId, delivery_id AS deliveryId, event_type AS eventType, body, attempts
        FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`),
      nextDue: db.prepare(`SELECT MIN((SELECT next_attempt_at FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending'
        ORDER BY next_attempt_at LIMIT 1)) AS at FROM webhooks w WHERE w.enabled = 1`),
      attempt: db.prepare(`UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, next_attempt_at = @nextAttemptAt,
        last_attempt_at = @at, response_status = @responseStatus, last_error = @error, duration_ms = @durationMs,
        finished_at = CASE WHEN @status = 'pending' THEN NULL ELSE @at END
        WHERE id = @rowId AND status = 'pending'`),
      deliveryBody: db.prepare(`SELECT body FROM webhook_deliveries WHERE webhook_id = ? AND delivery_id = ?`),
      delivery: db.prepare(`SELECT ${deliveryColumns} FROM webhook_deliveries WHERE webhook_id = ? AND delivery_id = ?`),
      requeue: db.prepare(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @dueAt, finished_at = NULL
        WHERE webhook_id = @webhookId AND delivery_id = @deliveryId AND status != 'pending'`),
      prune: db.prepare(`DELETE FROM webhook_deliveries WHERE webhook_id = @webhookId AND status != 'pending' AND id <= (
        SELECT id FROM webhook_deliveries WHERE webhook_id = @webhookId AND status != 'pending' ORDER BY id DESC LIMIT 1 OFFSET @keep)`),
    };
  }

  list(): WebhookRow[] {
    return (this.s.list.all() as RawWebhook[]).map(toWebhook);
  }

  byId(id: number): WebhookRow | undefined {
    const row = this.s.byId.get(id) as RawWebhook | undefined;
    return row ? toWebhook(row) : undefined;
  }

  insert(webhook: { url: string; description: string; secret: string; events: string[]; enabled: boolean }, now: string): number {
    return Number(this.s.insert.run({ ...webhook, events: JSON.stringify(webhook.events), enabled: webhook.enabled ? 1 : 0, now }).lastInsertRowid);
  }

  update(webhook: Pick<WebhookRow, 'id' | 'url' | 'description' | 'secret' | 'events' | 'enabled'>, now: string): void {
    this.s.update.run({ ...webhook, events: JSON.stringify(webhook.events), enabled: webhook.enabled ? 1 : 0, now });
  }

  remove(id: number): boolean {
    return this.s.remove.run(id).changes > 0;
  }

  pendingCounts(): Map<number, number> {
    return new Map((this.s.pendingCounts.all() as { webhookId: number; n: number }[]).map((r) => [r.webhookId, r.n]));
  }

  pendingOf(webhookId: number): number {
    return (this.s.pendingOf.get(webhookId) as { n: number }).n;
  }

  pendingTotal(): number {
    return (this.s.pendingTotal.get() as { n: number }).n;
  }

  lastAttempt(webhookId: number): { at: string; status: DeliveryStatus; responseStatus: number | null } | null {
    return (this.s.lastAttempt.get(webhookId) as { at: string; status: DeliveryStatus; responseStatus: number | null } | undefined) ?? null;
  }

  insertDelivery(delivery: NewDelivery): void {
    this.s.insertDelivery.run(delivery);
  }

  /** Marks the `count` oldest pending deliveries (except those being sent) dropped; returns how many were. */
  dropOldest(webhookId: number, count: number, busy: number[], now: string): number {
    const dropped = this.s.dropOldest.run({ webhookId, count, busy: JSON.stringify(busy), now }).changes;
    if (dropped > 0) this.s.countDropped.run({ webhookId, count: dropped });
    return dropped;
  }

  due(webhookId: number, now: number, limit: number): DueDelivery[] {
    return this.s.due.all(webhookId, now, limit) as DueDelivery[];
  }

  /** When the earliest pending delivery of an enabled webhook is due (ms since the epoch), if any. */
  nextDue(): number | null {
    return (this.s.nextDue.get() as { at: number | null }).at;
  }

  recordAttempt(outcome: AttemptOutcome): void {
    this.s.attempt.run(outcome);
  }

  deliveries(webhookId: number, filter: { status?: DeliveryStatus; limit: number; offset: number }): { items: WebhookDelivery[]; total: number } {
    const where = ['webhook_id = ?'];
    const args: unknown[] = [webhookId];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT ${deliveryColumns} FROM webhook_deliveries WHERE ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, filter.limit, filter.offset) as RawDelivery[];
    return { items: rows.map(toDelivery), total };
  }

  delivery(webhookId: number, deliveryId: string): (WebhookDelivery & { body: string }) | undefined {
    const row = this.s.delivery.get(webhookId, deliveryId) as RawDelivery | undefined;
    if (!row) return undefined;
    return { ...toDelivery(row), body: (this.s.deliveryBody.get(webhookId, deliveryId) as { body: string }).body };
  }

  /** A finished delivery back into the queue for a new round of attempts; false if it was pending already. */
  requeue(webhookId: number, deliveryId: string, dueAt: number): boolean {
    return this.s.requeue.run({ webhookId, deliveryId, dueAt }).changes > 0;
  }

  /** Keeps the newest `keep` finished deliveries of a webhook in its log. */
  prune(webhookId: number, keep: number): number {
    return this.s.prune.run({ webhookId, keep }).changes;
  }
}
