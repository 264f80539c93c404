import type { Logger } from '../log/logger.ts';
import type { DueDelivery, WebhookRow, WebhooksRepo } from '../storage/webhooks-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { retryDelayMs, signature, type DeliveryStatus } from './webhook.ts';

export interface SenderOptions {
  /** Attempts per delivery before it is given up. */
  attempts: number;
  /** Wait before the first retry; doubled for each further one, up to an hour. */
  retryBaseMs: number;
  timeoutMs: number;
  userAgent: string;
  /** Deliveries in flight at once, in all and per webhook. */
  concurrency?: number;
  perWebhookConcurrency?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const ERROR_SNIPPET = 300;

/**
 * Sends queued webhook deliveries from the database: due ones first, a few at a time, each retried with
 * exponential backoff until it succeeds (any 2xx) or runs out of attempts. The queue lives in SQLite, so
 * deliveries survive a restart; one that was in flight when the process died is sent again (at least once).
 */
export class WebhookSender {
  private readonly repo: WebhooksRepo;
  private readonly writes: WriteQueue;
  private readonly log: Logger;
  private readonly options: Required<SenderOptions>;
  private readonly webhooks: () => WebhookRow[];
  private readonly inFlight = new Map<number, AbortController>();
  private readonly perWebhook = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Outcomes since start, for metrics. */
  readonly outcomes: Record<'delivered' | 'retried' | 'failed', number> = { delivered: 0, retried: 0, failed: 0 };

  constructor(repo: WebhooksRepo, writes: WriteQueue, log: Logger, options: SenderOptions, webhooks: () => WebhookRow[]) {
    this.repo = repo;
    this.writes = writes;
    this.log = log;
    this.options = { concurrency: 8, perWebhookConcurrency: 2, ...options };
    this.webhooks = webhooks;
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops sending; attempts in flight are abandoned unrecorded (they stay pending and are sent again later). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const controller of this.inFlight.values()) controller.abort();
  }

  /** Row ids being sent right now (not to be dropped from under the sender). */
  busy(): number[] {
    return [...this.inFlight.keys()];
  }

  /** Looks for due deliveries now (after new ones were queued, or a webhook was enabled). */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.pump();
    } catch (error) {
      this.log.error('webhooks: could not read the delivery queue', { error: (error as Error).message });
      this.schedule(5_000);
    }
  }

  private pump(): void {
    const now = Date.now();
    for (const webhook of this.webhooks()) {
      if (this.inFlight.size >= this.options.concurrency) break;
      if (!webhook.enabled) continue;
      const busy = this.perWebhook.get(webhook.id) ?? 0;
      let free = Math.min(this.options.perWebhookConcurrency - busy, this.options.concurrency - this.inFlight.size);
      if (free <= 0) continue;
      for (const due of this.repo.due(webhook.id, now, free + busy)) {
        if (free <= 0) break;
        if (this.inFlight.has(due.rowId)) continue;
        free--;
        void this.send(webhook, due);
      }
    }
    const next = this.repo.nextDue();
    if (next === null) return;
    if (next > now) this.schedule(next - now);
    // Due but not started: what is in flight wakes the sender when it finishes; without any, look again soon.
    else if (this.inFlight.size === 0) this.schedule(1_000);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
    this.timer.unref();
  }

  private async send(webhook: WebhookRow, due: DueDelivery): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(due.rowId, controller);
    this.perWebhook.set(webhook.id, (this.perWebhook.get(webhook.id) ?? 0) + 1);
    const attempt = due.attempts + 1;
    const at = new Date().toISOString();
    const started = performance.now();
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent,
          'x-ampyard-event': due.eventType,
          'x-ampyard-delivery': due.deliveryId,
          'x-ampyard-attempt': String(attempt),
          'x-ampyard-signature': signature(webhook.secret, due.body),
        },
        body: due.body,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      responseStatus = response.status;
      const text = await readSnippet(response);
      if (response.status < 200 || response.status > 299) error = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
    } catch (caught) {
      error = describeFailure(caught as Error, this.options.timeoutMs);
    }
    // Still "in flight" until the outcome is stored: the row is pending and due until then, and must not be sent twice.
    const release = () => {
      this.inFlight.delete(due.rowId);
      this.perWebhook.set(webhook.id, (this.perWebhook.get(webhook.id) ?? 1) - 1);
    };
    if (this.stopped) return release();
    const status: DeliveryStatus = error === null ? 'delivered' : attempt >= this.options.attempts ? 'failed' : 'pending';
    const outcome = status === 'pending' ? 'retried' : status === 'delivered' ? 'delivered' : 'failed';
    this.outcomes[outcome]++;
    if (status === 'failed') this.log.warn('webhook delivery given up', { webhook: webhook.id, delivery: due.deliveryId, attempts: attempt, error });
    try {
      await this.writes.run(() =>
        this.repo.recordAttempt({
          rowId: due.rowId,
          status,
          nextAttemptAt: status === 'pending' ? Date.now() + retryDelayMs(attempt, this.options.retryBaseMs) : Date.now(),
          at,
          responseStatus,
          error,
          durationMs: Math.round(performance.now() - started),
        }),
      );
    } catch (failure) {
      // Storage trouble: the delivery stays pending as it was; pause rather than send it again at once.
      this.log.error('webhooks: could not record a delivery attempt', { error: (failure as Error).message });
      release();
      this.schedule(5_000);
      return;
    }
    release();
    this.wake();
  }
}

/** The start of a response body (kept for the delivery log of failures); the rest is not read. */
async function readSnippet(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  let text = '';
  const decoder = new TextDecoder();
  try {
    while (text.length < ERROR_SNIPPET) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, ERROR_SNIPPET).trim();
}

function describeFailure(error: Error, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (error.name === 'AbortError') return 'aborted (Ampyard stopped)';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.message ?? error.message} (${cause.code})`;
  return (cause?.message ?? error.message).slice(0, ERROR_SNIPPET);
}
