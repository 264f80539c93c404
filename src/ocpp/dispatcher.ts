import type { Services } from '../app/services.ts';
import type { Logger } from '../log/logger.ts';
import { evseIdProblem } from './id-range.ts';
import type { CallHandler } from './rpc/connection.ts';
import { RpcError } from './rpc/errors.ts';
import { StorageUnavailableError } from '../storage/storage-health.ts';
import type { Payload } from './rpc/frames.ts';
import type { OcppVersion } from './versions.ts';

export interface OcppSettings {
  heartbeatIntervalSeconds: number;
  /** Interval given to a Pending or Rejected station before it boots again. */
  bootRetrySeconds: number;
}

export interface HandlerContext {
  stationId: string;
  version: OcppVersion;
  services: Services;
  settings: OcppSettings;
  log: Logger;
}

export type ActionHandler = (ctx: HandlerContext, payload: Payload) => Promise<Payload> | Payload;
export type HandlerTable = Record<string, ActionHandler>;

/**
 * What a station that is not (yet) accepted may send. OCPP 2.0.1 (B02/B03): only BootNotification (and the
 * NotifyReport a GetBaseReport asks for); other
 * CALLs get SecurityError. OCPP 1.6 chargers commonly keep sending Heartbeat and StatusNotification while
 * Pending; these are harmless and recorded.
 */
function allowedBeforeAcceptance(version: OcppVersion, action: string): boolean {
  if (action === 'BootNotification') return true;
  // 2.x: the CSMS may ask a Pending station for its device model (B02), which answers with NotifyReport.
  if (version !== '1.6' && action === 'NotifyReport') return true;
  return version === '1.6' && (action === 'Heartbeat' || action === 'StatusNotification');
}

/** Not acknowledged, so the station keeps the message and sends it again later; logged once by the write queue. */
function refuseUnstored(error: unknown): never {
  if (error instanceof StorageUnavailableError) throw new RpcError('InternalError', `cannot store this message now: ${error.message}; send it again later`);
  throw error;
}

export function createDispatcher(ctx: HandlerContext, handlers: HandlerTable): CallHandler {
  // Not an async function: every station message passes here, and one promise fewer per message is measurable.
  return (action, payload) => {
    const { stations } = ctx.services;
    stations.seen(ctx.stationId);
    const handler = handlers[action];
    if (!handler) throw new RpcError('NotSupported', `${action} is not supported by this CSMS`);
    const station = stations.get(ctx.stationId);
    if (station?.registration !== 'accepted' && !allowedBeforeAcceptance(ctx.version, action)) {
      throw new RpcError('SecurityError', `station is ${station?.registration ?? 'unknown'}; only BootNotification is allowed until it is accepted`);
    }
    const badId = evseIdProblem(payload);
    if (badId) {
      ctx.services.warnings.add(ctx.stationId, 'invalid-evse-id', `${action}: ${badId}; refused`);
      throw new RpcError('PropertyConstraintViolation', badId);
    }
    let answer: ReturnType<ActionHandler>;
    try {
      answer = handler(ctx, payload);
    } catch (error) {
      refuseUnstored(error);
    }
    return answer instanceof Promise ? answer.catch(refuseUnstored) : answer;
  };
}

export function bootResponseFields(ctx: HandlerContext, registration: string): { status: string; interval: number; currentTime: string } {
  const accepted = registration === 'accepted';
  return {
    status: accepted ? 'Accepted' : registration === 'rejected' ? 'Rejected' : 'Pending',
    interval: accepted ? ctx.settings.heartbeatIntervalSeconds : ctx.settings.bootRetrySeconds,
    currentTime: new Date().toISOString(),
  };
}
