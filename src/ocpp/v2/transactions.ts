import type { Authorization, TokenQuirks } from '../../domain/id-tokens.ts';
import { energyRegister } from '../../domain/meter.ts';
import type { Transaction } from '../../domain/transaction.ts';
import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import type { Payload } from '../rpc/frames.ts';
import { int, obj, text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';
import { costResponseFields } from './cost.ts';
import { idTokenInfo } from './id-token-info.ts';
import { withRegisterUnits } from '../register-unit-quirk.ts';
import { samplesFrom2x } from './meter-values.ts';

function quirks(ctx: HandlerContext): TokenQuirks {
  return (ctx.services.stations.get(ctx.stationId)?.quirks ?? {}) as TokenQuirks;
}

/** NoAuthorization tokens (free vend at the station itself) need no lookup. */
async function authorizeToken(ctx: HandlerContext, token: Record<string, unknown>): Promise<Authorization> {
  const value = text(token['idToken']) ?? '';
  if (token['type'] === 'NoAuthorization') return { status: 'accepted', expiresAt: null, groupId: null, token: value };
  return ctx.services.idTokens.authorize(value, quirks(ctx));
}

/**
 * OCPP 2.x transactions: keyed by the station's transactionId. Started/Updated/Ended may arrive out of order,
 * twice, or without the Started (lost or queued offline); seqNo may have gaps or restart at 0. A gap makes
 * Ampyard ask the station for the transaction's status (E_31).
 */
async function transactionEvent(ctx: HandlerContext, p: Payload): Promise<Payload> {
  const { transactions, remoteStarts, commands, log } = ctx.services;
  const info = obj(p['transactionInfo']);
  const stationTxId = info['transactionId'] as string;
  const eventType = p['eventType'] as 'Started' | 'Updated' | 'Ended';
  const timestamp = normalizeTimestamp(p['timestamp']);
  const evse = obj(p['evse']);
  const seqNo = p['seqNo'] as number;
  const samples = withRegisterUnits(ctx, samplesFrom2x(p['meterValue']));
  const token = p['idToken'] === undefined ? undefined : obj(p['idToken']);
  const auth = token ? await authorizeToken(ctx, token) : undefined;

  let tx: Transaction | undefined = transactions.byStationTxId(ctx.stationId, stationTxId);
  const previousSeqNo = tx?.seqNo ?? null;
  if (!tx) {
    const started = await transactions.start(ctx.stationId, {
      evseId: int(evse['id']) ?? 0,
      connectorId: int(evse['connectorId']) ?? 1,
      idToken: auth?.token ?? null,
      idTokenType: text(token?.['type']),
      groupId: auth?.groupId ?? null,
      authStatus: auth?.status ?? null,
      meterStartWh: energyRegister(samples),
      timestamp,
      reservationId: int(p['reservationId']),
      stationTxId,
      startKey: null,
      offline: p['offline'] === true,
      chargingState: text(info['chargingState']),
      seqNo,
    });
    tx = started.transaction;
    if (!started.duplicate) {
      remoteStarts.fulfil(ctx.stationId, tx.evseId, auth?.token ?? null);
      if (eventType !== 'Started') log.info('transaction first seen in a later event', { transaction: stationTxId, eventType });
    }
    tx = (await transactions.recordMeterValues(ctx.stationId, tx.evseId, tx.id, samples)) ?? tx;
  } else {
    const change = {
      // The first id token of a session is kept as its owner; a later one (e.g. a stop card) is kept at the stop.
      idToken: tx.idToken === null ? auth?.token ?? null : null,
      idTokenType: tx.idToken === null ? text(token?.['type']) : null,
      groupId: tx.groupId === null ? auth?.groupId ?? null : null,
      authStatus: tx.idToken === null ? auth?.status ?? null : null,
      chargingState: text(info['chargingState']),
      seqNo,
      offline: p['offline'] === true,
      evseId: int(evse['id']),
      connectorId: int(evse['connectorId']),
    };
    if (eventType !== 'Ended' && changesOnlySeqNo(tx, change)) tx = await transactions.advance(tx, seqNo, samples);
    // One durable write for the update and its meter values: the station waits for one commit, not two.
    else tx = (await transactions.update(tx.id, change, samples)) ?? tx;
  }

  let ended: Transaction | undefined;
  if (eventType === 'Ended') {
    const endRegister = energyRegister(samples.filter((s) => s.context === 'Transaction.End')) ?? energyRegister(samples);
    ended = await transactions.stop(tx.id, {
      meterStopWh: endRegister ?? tx.lastMeterWh,
      timestamp,
      reason: text(info['stoppedReason']) ?? 'Local',
      idToken: tx.idToken !== auth?.token ? auth?.token ?? null : null,
    });
  } else if (previousSeqNo !== null && seqNo > previousSeqNo + 1) {
    commands.run(ctx.stationId, 'getTransactionStatus', { transactionId: stationTxId }).catch((error: Error) =>
      log.info('could not ask for the status of a transaction with missing events', { transaction: stationTxId, error: error.message }),
    );
  }

  const response: Payload = {};
  if (auth) response['idTokenInfo'] = idTokenInfo(auth);
  Object.assign(response, await costResponseFields(ctx, ended ?? tx, eventType, auth));
  return response;
}

/** True when an event would leave the session's row as it is but for its seqNo. */
function changesOnlySeqNo(tx: Transaction, change: { idToken: string | null; idTokenType: string | null; groupId: string | null; authStatus: string | null; chargingState: string | null; offline: boolean; evseId: number | null; connectorId: number | null }): boolean {
  return (
    change.idToken === null && change.idTokenType === null && change.groupId === null && change.authStatus === null &&
    (change.chargingState === null || change.chargingState === tx.chargingState) &&
    (!change.offline || tx.offline) &&
    (change.evseId === null || change.evseId === tx.evseId) &&
    (change.connectorId === null || change.connectorId === tx.connectorId)
  );
}

export const v2Transactions: HandlerTable = {
  async Authorize(ctx, p) {
    return { idTokenInfo: idTokenInfo(await authorizeToken(ctx, obj(p['idToken']))) };
  },

  TransactionEvent: transactionEvent,

  async MeterValues(ctx, p) {
    await ctx.services.transactions.recordMeterValues(ctx.stationId, p['evseId'] as number, null, withRegisterUnits(ctx, samplesFrom2x(p['meterValue'])));
    return {};
  },
};
