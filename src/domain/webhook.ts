import { createHmac } from 'node:crypto';
import type { DomainEvent, StreamOnlyEventType } from './events.ts';

/** A receiver of domain events (an ERP, a CRM…). The secret is never part of it: it is shown once, when set. */
export interface Webhook {
  id: number;
  url: string;
  description: string;
  /** Event types it receives: exact (`transaction.ended`), a family (`transaction.*`) or everything (`*`). */
  events: string[];
  enabled: boolean;
  /** Deliveries waiting to be (re)tried. */
  pending: number;
  /** Deliveries dropped undelivered because the queue was full (the receiver was down too long). */
  dropped: number;
  lastDelivery: { at: string; status: DeliveryStatus; responseStatus: number | null } | null;
  createdAt: string;
  updatedAt: string;
}

export const deliveryStatuses = ['pending', 'delivered', 'failed', 'dropped'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One event sent (or to be sent) to one webhook, with the outcome of its latest attempt. */
export interface WebhookDelivery {
  /** Sent as `X-Ampyard-Delivery`; the same on every attempt. */
  id: string;
  webhookId: number;
  /** The event's id (`id` in the body): the same for every webhook that receives the event. */
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null unless pending. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
  finishedAt: string | null;
}

/** The event types a webhook can ask for, with what they mean (listed by GET /api/v1/webhooks/event-types). */
export const webhookEventTypes: Record<Exclude<DomainEvent['type'], StreamOnlyEventType>, string> = {
  'station.updated': 'a station connected, disconnected, booted or changed registration (data: Station)',
  'station.booted': 'a station sent BootNotification',
  'station.warning': 'a station did something odd that Ampyard worked around',
  'connector.updated': 'a connector changed status',
  'transaction.started': 'a charging session started (data: Transaction)',
  'transaction.updated': 'a session got new meter values or authorization (data: Transaction)',
  'transaction.ended': 'a session ended (data: Transaction)',
  'alarm.raised': 'a station raised an alarm',
  'alarm.cleared': 'a station cleared an alarm',
  'reservation.updated': 'a reservation was made, used, cancelled or expired',
  'local-list.updated': 'a station\'s local authorization list changed sync state',
  'charging-profiles.updated': 'the charging profiles of a station changed',
  'charging-limit.updated': 'a station reported an external charging limit',
  'ev.charging-needs': 'an EV reported its charging needs (ISO 15118)',
  'allocation.changed': 'the load balancer changed the allocation of charging sessions',
  'station.job.updated': 'a firmware update, log upload or publication job progressed',
  'station.file.received': 'a station uploaded a diagnostics or log file',
  'station.firmware.updated': 'a station reported its firmware status',
  'firmware.added': 'a firmware file was added to the library',
  'firmware.removed': 'a firmware file was removed from the library',
  'security.event': 'a security event from a station or Ampyard',
  'csr.updated': 'a station certificate signing request changed',
};

/** Sent by POST /webhooks/:id/ping whatever the filter, to check a receiver. */
export const PING_EVENT = 'ping';

const PATTERN = /^(\*|[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?)$/;

/** Why a filter pattern is unusable, or undefined when it is fine. */
export function eventPatternProblem(pattern: string): string | undefined {
  if (!PATTERN.test(pattern)) return 'must be an event type, a family like "transaction.*", or "*"';
  if (!Object.keys(webhookEventTypes).some((type) => matchesPattern(pattern, type))) return `matches no event type (see GET /api/v1/webhooks/event-types)`;
  return undefined;
}

export function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export function wantsEvent(webhook: Pick<Webhook, 'events'>, type: string): boolean {
  return webhook.events.some((pattern) => matchesPattern(pattern, type));
}

/** `X-Ampyard-Signature`: HMAC-SHA256 of the exact body bytes with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Wait before retry number `retry` (1 = the first): base, 2×base, 4×base… at most `maxMs`. */
export function retryDelayMs(retry: number, baseMs: number, maxMs = 3_600_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, retry - 1), maxMs);
}
