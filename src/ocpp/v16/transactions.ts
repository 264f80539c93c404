import { normaliseSample, type MeterSample } from '../../domain/meter.ts';
import type { TokenQuirks } from '../../domain/id-tokens.ts';
import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import { int, list, text } from '../payload.ts';
import { withRegisterUnits } from '../register-unit-quirk.ts';
import { normalizeTimestamp } from '../time.ts';
import { idTagInfo } from './id-tag-info.ts';

/** Older than this when it arrives, a start was queued while the station was offline. */
const OFFLINE_AGE_MS = 5 * 60_000;

function quirks(ctx: HandlerContext): TokenQuirks {
  return (ctx.services.stations.get(ctx.stationId)?.quirks ?? {}) as TokenQuirks;
}

/** OCPP 1.6 MeterValue[] → neutral samples (signed values kept raw). */
export function samplesFrom16(meterValues: unknown): MeterSample[] {
  const samples: MeterSample[] = [];
  for (const mv of list(meterValues)) {
    const timestamp = normalizeTimestamp(mv['timestamp']);
    for (const sv of list(mv['sampledValue'])) {
      const signed = sv['format'] === 'SignedData';
      samples.push(
        normaliseSample({
          timestamp,
          measurand: text(sv['measurand']) ?? undefined,
          phase: text(sv['phase']) ?? undefined,
          location: text(sv['location']) ?? undefined,
          context: text(sv['context']) ?? undefined,
          unit: text(sv['unit']) ?? undefined,
          value: text(sv['value']) ?? '',
          signedData: signed ? text(sv['value']) : null,
        }),
      );
    }
  }
  return samples;
}

export const v16Transactions: HandlerTable = {
  async Authorize(ctx, p) {
    const auth = await ctx.services.idTokens.authorize(p['idTag'] as string, quirks(ctx));
    return { idTagInfo: idTagInfo(auth) };
  },

  async StartTransaction(ctx, p) {
    const { idTokens, transactions, remoteStarts } = ctx.services;
    const connectorId = p['connectorId'] as number;
    const timestamp = normalizeTimestamp(p['timestamp']);
    const meterStart = p['meterStart'] as number;
    const auth = await idTokens.authorize(p['idTag'] as string, quirks(ctx));
    const { transaction, duplicate } = await transactions.start(ctx.stationId, {
      evseId: connectorId,
      connectorId: 1,
      idToken: auth.token,
      idTokenType: null,
      groupId: auth.groupId,
      authStatus: auth.status,
      meterStartWh: meterStart,
      timestamp,
      reservationId: int(p['reservationId']),
      stationTxId: null,
      startKey: `${ctx.stationId}|${connectorId}|${p['idTag'] as string}|${meterStart}|${timestamp}`,
      offline: Date.now() - Date.parse(timestamp) > OFFLINE_AGE_MS,
    });
    if (!duplicate) remoteStarts.fulfil(ctx.stationId, connectorId, auth.token);
    return { transactionId: transaction.id, idTagInfo: idTagInfo(auth) };
  },

  async StopTransaction(ctx, p) {
    const { idTokens, transactions, warnings } = ctx.services;
    const transactionId = p['transactionId'] as number;
    const stop = {
      meterStopWh: p['meterStop'] as number,
      timestamp: normalizeTimestamp(p['timestamp']),
      reason: text(p['reason']),
      idToken: text(p['idTag']),
    };
    const known = transactions.get(transactionId);
    if (known && known.stationId === ctx.stationId) {
      await transactions.recordMeterValues(ctx.stationId, known.evseId, transactionId, withRegisterUnits(ctx, samplesFrom16(p['transactionData']), known));
      await transactions.stop(transactionId, stop);
    } else {
      warnings.add(ctx.stationId, 'unknown-transaction', `StopTransaction for transaction ${transactionId}, which this station never started here; recorded`);
      const record = await transactions.recordUnknownStop(ctx.stationId, 0, `unknown-${transactionId}`, stop);
      await transactions.recordMeterValues(ctx.stationId, 0, record.id, withRegisterUnits(ctx, samplesFrom16(p['transactionData'])));
    }
    if (!stop.idToken) return {};
    return { idTagInfo: idTagInfo(await idTokens.authorize(stop.idToken, quirks(ctx))) };
  },

  async MeterValues(ctx, p) {
    const { transactions, warnings } = ctx.services;
    const connectorId = p['connectorId'] as number;
    const transactionId = int(p['transactionId']);
    const session = transactionId === null ? undefined : transactions.startOf(transactionId);
    const samples = withRegisterUnits(ctx, samplesFrom16(p['meterValue']), session?.stationId === ctx.stationId ? session : undefined);
    const linked = await transactions.recordMeterValues(ctx.stationId, connectorId, transactionId, samples);
    if (transactionId !== null && !linked) {
      warnings.add(ctx.stationId, 'unknown-transaction', `MeterValues for unknown transaction ${transactionId}; stored without a session`);
    }
    return {};
  },

  async DataTransfer(ctx, p) {
    const answer = await ctx.services.dataTransfers.fromStation({
      stationId: ctx.stationId,
      vendorId: p['vendorId'] as string,
      messageId: text(p['messageId']),
      data: p['data'],
    });
    const response: Record<string, unknown> = { status: answer.status };
    if (answer.data !== undefined) response['data'] = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data);
    return response;
  },
};
