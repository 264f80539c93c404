import { randomUUID } from 'node:crypto';
import { ParamsError, type FieldError } from '../commands/params.ts';
import { randomSecret } from '../auth/secrets.ts';
import type { Logger } from '../log/logger.ts';
import type { WebhookRow, WebhooksRepo } from '../storage/webhooks-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { NotFoundError } from './errors.ts';
import type { DomainEvent, EventBus } from './events.ts';
import { WebhookSender } from './webhook-sender.ts';
import { eventPatternProblem, PING_EVENT, wantsEvent, webhookEventTypes, type DeliveryStatus, type Webhook, type WebhookDelivery } from './webhook.ts';

export interface WebhookOptions {
  attempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  /** Pending deliveries kept per webhook; beyond this the oldest are dropped. */
  queueLimit: number;
  userAgent: string;
  /** Finished deliveries kept in each webhook's log. */
  logKeep?: number;
}

export interface WebhookInput {
  url?: unknown;
  description?: unknown;
  events?: unknown;
  enabled?: unknown;
  secret?: unknown;
  /** Update only: replace the secret with a new random one (returned once). */
  rotateSecret?: unknown;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const DROP_WARNING_EVERY_MS = 60_000;

/**
 * Webhooks: the domain events of the live stream, POSTed as JSON to integrations (ERP, CRM) with an HMAC
 * signature. Each matching event is queued durably per webhook (SQLite) and sent by WebhookSender.
 */
export class WebhookService {
  private readonly repo: WebhooksRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly log: Logger;
  private readonly options: WebhookOptions;
  private readonly sender: WebhookSender;
  private hooks: WebhookRow[];
  private unsubscribe: (() => void) | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly lastDropWarning = new Map<number, number>();
  /** Deliveries dropped since start because a webhook's queue was full, for metrics. */
  droppedSinceStart = 0;

  constructor(repo: WebhooksRepo, writes: WriteQueue, events: EventBus, log: Logger, options: WebhookOptions) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.log = log;
    this.options = options;
    this.hooks = repo.list();
    this.sender = new WebhookSender(repo, writes, log, options, () => this.hooks);
  }

  /** Starts queueing events and sending what is queued (also what an earlier run left). */
  start(): void {
    this.unsubscribe ??= this.events.subscribe((event) => this.onEvent(event));
    this.sender.start();
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.pruneTimer);
    this.sender.stop();
  }

  list(): Webhook[] {
    const pending = this.repo.pendingCounts();
    return this.repo.list().map((row) => this.present(row, pending.get(row.id) ?? 0));
  }

  get(id: number): Webhook {
    const row = this.repo.byId(id);
    if (!row) throw new NotFoundError(`no webhook ${id}`);
    return this.present(row, this.repo.pendingOf(id));
  }

  /** Deliveries waiting in every webhook's queue. */
  queueLength(): number {
    return this.repo.pendingTotal();
  }

  deliveryOutcomes(): Readonly<Record<'delivered' | 'retried' | 'failed', number>> {
    return this.sender.outcomes;
  }

  async create(input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const fields: FieldError[] = [];
    const url = checkUrl(input.url, fields, true)!;
    const events = checkEvents(input.events, fields) ?? ['*'];
    const description = checkDescription(input.description, fields) ?? '';
    const enabled = checkEnabled(input.enabled, fields) ?? true;
    const secret = checkSecret(input.secret, fields) ?? newSecret();
    if (input.rotateSecret !== undefined) fields.push({ field: 'rotateSecret', message: 'only when changing a webhook' });
    if (fields.length) throw new ParamsError(fields);
    const id = await this.writes.run(() => this.repo.insert({ url, description, secret, events, enabled }, new Date().toISOString()));
    this.reload();
    this.log.info('webhook created', { webhook: id, url: redactUrl(url), events: events.join(',') });
    return { webhook: this.get(id), secret };
  }

  async update(id: number, input: WebhookInput): Promise<{ webhook: Webhook; secret?: string }> {
    const current = this.require(id);
    const fields: FieldError[] = [];
    const url = checkUrl(input.url, fields, false) ?? current.url;
    const events = checkEvents(input.events, fields) ?? current.events;
    const description = checkDescription(input.description, fields) ?? current.description;
    const enabled = checkEnabled(input.enabled, fields) ?? current.enabled;
    let secret = checkSecret(input.secret, fields);
    if (input.rotateSecret !== undefined && typeof input.rotateSecret !== 'boolean') fields.push({ field: 'rotateSecret', message: 'must be true or false' });
    if (input.rotateSecret === true) {
      if (secret !== undefined) fields.push({ field: 'rotateSecret', message: 'give either a new secret or rotateSecret, not both' });
      secret = newSecret();
    }
    if (fields.length) throw new ParamsError(fields);
    await this.writes.run(() => this.repo.update({ id, url, description, secret: secret ?? current.secret, events, enabled }, new Date().toISOString()));
    this.reload();
    this.sender.wake();
    return { webhook: this.get(id), ...(input.rotateSecret === true ? { secret } : {}) };
  }

  async remove(id: number): Promise<void> {
    this.require(id);
    await this.writes.run(() => this.repo.remove(id));
    this.reload();
    this.log.info('webhook deleted', { webhook: id });
  }

  deliveries(id: number, filter: { status?: DeliveryStatus; limit: number; offset: number }): { items: WebhookDelivery[]; total: number } {
    this.require(id);
    return this.repo.deliveries(id, filter);
  }

  /** One delivery with the exact body that was (or will be) sent. */
  delivery(id: number, deliveryId: string): WebhookDelivery & { body: unknown } {
    this.require(id);
    const found = this.repo.delivery(id, deliveryId);
    if (!found) throw new NotFoundError(`webhook ${id} has no delivery ${deliveryId}`);
    return { ...found, body: JSON.parse(found.body) };
  }

  /** Sends a finished (delivered, failed or dropped) delivery again, with a fresh round of attempts. */
  async redeliver(id: number, deliveryId: string): Promise<WebhookDelivery> {
    this.require(id);
    if (!this.repo.delivery(id, deliveryId)) throw new NotFoundError(`webhook ${id} has no delivery ${deliveryId}`);
    await this.writes.run(() => this.repo.requeue(id, deliveryId, Date.now()));
    this.sender.wake();
    const { body: _body, ...delivery } = this.repo.delivery(id, deliveryId)!;
    return delivery;
  }

  /** Queues a `ping` event for this webhook alone, whatever its filter (also when disabled: it waits). */
  async ping(id: number): Promise<WebhookDelivery> {
    const webhook = this.require(id);
    const deliveryIds = await this.enqueue([webhook], PING_EVENT, { webhookId: id, url: webhook.url });
    const { body: _body, ...delivery } = this.repo.delivery(id, deliveryIds[0]!)!;
    return delivery;
  }

  private onEvent(event: DomainEvent): void {
    if (this.hooks.length === 0 || !Object.hasOwn(webhookEventTypes, event.type)) return;
    const targets = this.hooks.filter((hook) => hook.enabled && wantsEvent(hook, event.type));
    if (targets.length === 0) return;
    this.enqueue(targets, event.type, event.data).catch((error: Error) =>
      this.log.error('webhooks: could not queue an event', { type: event.type, error: error.message }),
    );
  }

  private async enqueue(targets: WebhookRow[], type: string, data: unknown): Promise<string[]> {
    const eventId = randomUUID();
    const now = new Date();
    const body = JSON.stringify({ id: eventId, type, occurredAt: now.toISOString(), data });
    const deliveryIds = targets.map(() => randomUUID());
    const dropped = await this.writes.run(() =>
      targets.map((hook, i) => {
        this.repo.insertDelivery({ webhookId: hook.id, deliveryId: deliveryIds[i]!, eventId, eventType: type, body, dueAt: now.getTime(), createdAt: now.toISOString() });
        const over = this.repo.pendingOf(hook.id) - this.options.queueLimit;
        return over > 0 ? this.repo.dropOldest(hook.id, over, this.sender.busy(), now.toISOString()) : 0;
      }),
    );
    dropped.forEach((count, i) => {
      if (count > 0) this.noteDropped(targets[i]!.id, count);
    });
    this.sender.wake();
    return deliveryIds;
  }

  private noteDropped(webhookId: number, count: number): void {
    this.droppedSinceStart += count;
    const now = Date.now();
    if (now - (this.lastDropWarning.get(webhookId) ?? 0) < DROP_WARNING_EVERY_MS) return;
    this.lastDropWarning.set(webhookId, now);
    this.log.warn('webhook queue full; dropping the oldest undelivered events', { webhook: webhookId, limit: this.options.queueLimit });
  }

  private prune(): void {
    const keep = this.options.logKeep ?? 1000;
    for (const hook of this.hooks) {
      this.writes.run(() => this.repo.prune(hook.id, keep)).catch((error: Error) => this.log.warn('webhooks: could not prune the delivery log', { error: error.message }));
    }
  }

  private require(id: number): WebhookRow {
    const row = this.hooks.find((hook) => hook.id === id);
    if (!row) throw new NotFoundError(`no webhook ${id}`);
    return row;
  }

  private reload(): void {
    this.hooks = this.repo.list();
  }

  private present(row: WebhookRow, pending: number): Webhook {
    const { secret: _secret, ...rest } = row;
    return { ...rest, pending, lastDelivery: this.repo.lastAttempt(row.id) };
  }
}

function newSecret(): string {
  return `whsec_${randomSecret(24)}`;
}

/** For the log: the receiver's address without its path and query, which may carry a token. */
function redactUrl(url: string): string {
  return new URL(url).origin;
}

function checkUrl(value: unknown, fields: FieldError[], required: boolean): string | undefined {
  if (value === undefined) {
    if (required) fields.push({ field: 'url', message: 'is required' });
    return undefined;
  }
  const bad = (message: string) => (fields.push({ field: 'url', message }), undefined);
  if (typeof value !== 'string' || value.length > 2000) return bad('must be an http:// or https:// URL of at most 2000 characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('must be an http:// or https:// URL');
  if (url.username || url.password) return bad('must not contain a user name or password; put a token in the path or query instead');
  if (url.hash) return bad('must not have a #fragment');
  return url.href;
}

function checkEvents(value: unknown, fields: FieldError[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 50) {
    fields.push({ field: 'events', message: 'must be a list of 1 to 50 event types or patterns' });
    return undefined;
  }
  const events: string[] = [];
  value.forEach((pattern, i) => {
    const problem = typeof pattern === 'string' ? eventPatternProblem(pattern) : 'must be a string';
    if (problem) fields.push({ field: `events.${i}`, message: problem });
    else if (!events.includes(pattern as string)) events.push(pattern as string);
  });
  return events;
}

function checkDescription(value: unknown, fields: FieldError[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200) {
    fields.push({ field: 'description', message: 'must be text of at most 200 characters' });
    return undefined;
  }
  return value.trim();
}

function checkEnabled(value: unknown, fields: FieldError[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    fields.push({ field: 'enabled', message: 'must be true or false' });
    return undefined;
  }
  return value;
}

function checkSecret(value: unknown, fields: FieldError[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 16 || value.length > 200 || /[^\x21-\x7e]/.test(value)) {
    fields.push({ field: 'secret', message: 'must be 16 to 200 printable ASCII characters without spaces' });
    return undefined;
  }
  return value;
}
