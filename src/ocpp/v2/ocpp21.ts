import type { Services } from '../../app/services.ts';
import type { Logger } from '../../log/logger.ts';
import type { ActionHandler, HandlerTable } from '../dispatcher.ts';
import type { Payload } from '../rpc/frames.ts';
import { RpcError } from '../rpc/errors.ts';

type Reply = { answer: Payload } | { refuse: string };

/** Stored, then answered with the response that means "received" (all its fields optional, or a plain status). */
const stored = (answer: Payload): Reply => ({ answer });
/** Stored, then refused: the response needs an answer Ampyard cannot honestly give (e.g. whether a VAT number is valid). */
const refused = (why: string): Reply => ({ refuse: why });

/**
 * Station→CSMS messages that only OCPP 2.1 has, and how Ampyard answers them. The 2.0.1 use cases 2.1 shares are
 * handled by the other blocks; these are kept in the OCPP 2.1 message log (README, "OCPP 2.1 coverage"). Only
 * 2.1 stations can send them: for 2.0.1 the RPC layer has no schema and answers NotImplemented.
 */
export const ocpp21Replies: Record<string, Reply> = {
  NotifyDERAlarm: stored({}),
  NotifyDERStartStop: stored({}),
  ReportDERControl: stored({}),
  NotifySettlement: stored({}),
  NotifyPriorityCharging: stored({}),
  BatterySwap: stored({}),
  // Ampyard keeps what a stream sends (NotifyPeriodicEventStream SENDs), so it can accept one.
  OpenPeriodicEventStream: stored({ status: 'Accepted' }),
  ClosePeriodicEventStream: stored({}),
  // Ampyard makes no dynamic (2.1 Dynamic kind) charging profiles, so it never has an update for one.
  PullDynamicScheduleUpdate: stored({ status: 'Rejected', statusInfo: { reasonCode: 'NoUpdate', additionalInfo: 'Ampyard does not manage dynamic charging schedules' } }),
  VatNumberValidation: refused('Ampyard cannot validate VAT numbers'),
  GetCertificateChainStatus: refused('Ampyard has no OCSP client to check certificate status'),
};

function handlerFor(action: string, reply: Reply): ActionHandler {
  return async (ctx, p) => {
    const log = ctx.services.ocpp21Messages;
    if ('answer' in reply) {
      await log.record(ctx.stationId, action, 'call', p, reply.answer);
      return reply.answer;
    }
    await log.record(ctx.stationId, action, 'call', p, { error: 'NotSupported', description: reply.refuse });
    throw new RpcError('NotSupported', reply.refuse);
  };
}

export const v2Ocpp21: HandlerTable = Object.fromEntries(Object.entries(ocpp21Replies).map(([action, reply]) => [action, handlerFor(action, reply)]));

/** 2.1 SEND messages (no answer; NotifyPeriodicEventStream is the only one) from an accepted station are stored. */
export function receiveSend(services: Services, stationId: string, action: string, payload: Payload, log: Logger): void {
  services.stations.seen(stationId);
  if (services.stations.get(stationId)?.registration !== 'accepted') {
    log.info('OCPP 2.1 SEND from a station that is not accepted ignored', { action });
    return;
  }
  services.ocpp21Messages.recordSend(stationId, action, payload);
}
