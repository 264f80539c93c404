import type { Authorization } from '../../domain/id-tokens.ts';
import type { Transaction } from '../../domain/transaction.ts';
import { costText, tariffText } from '../../domain/tariff.ts';
import type { HandlerContext } from '../dispatcher.ts';
import type { Payload } from '../rpc/frames.ts';

// 2.0.1's MessageContentType allows 512 characters (2.1: 1024).
const personalMessage = (content: string) => ({ format: 'UTF8', content: content.slice(0, 512) });

/**
 * The I (tariff and cost) fields of a TransactionEventResponse: the final `totalCost` when the session ended, and
 * the price as the driver's personal message when the session's own id token was just accepted. No tariff, no
 * fields: an omitted totalCost means "not free" in OCPP, so Ampyard never claims a cost it does not know.
 */
export async function costResponseFields(ctx: HandlerContext, tx: Transaction, eventType: string, auth: Authorization | undefined): Promise<Payload> {
  const { tariffs } = ctx.services;
  if (eventType === 'Ended') {
    const cost = await tariffs.record(tx);
    return cost ? { totalCost: cost.totalCost, updatedPersonalMessage: personalMessage(costText(cost)) } : {};
  }
  if (auth?.status !== 'accepted' || auth.token !== tx.idToken) return {};
  const tariff = tariffs.forGroup(tx.groupId);
  return tariff ? { updatedPersonalMessage: personalMessage(tariffText(tariff)) } : {};
}
