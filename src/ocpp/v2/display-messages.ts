import type { MessageContent, MessageInfo } from '../../domain/display-message.ts';
import type { TransactionService } from '../../domain/transactions.ts';
import type { HandlerTable } from '../dispatcher.ts';
import { int, list, obj, text } from '../payload.ts';

const contentFrom = (m: Record<string, unknown>): MessageContent => ({ format: m['format'] as string, language: text(m['language']), content: m['content'] as string });

function contentToOcpp(m: MessageContent): Record<string, unknown> {
  return { format: m.format, ...(m.language ? { language: m.language } : {}), content: m.content };
}

/** OCPP MessageInfoType → neutral, linking the station's transaction id to Ampyard's when it knows it. */
export function messageInfoFrom(stationId: string, m: Record<string, unknown>, transactions: TransactionService): MessageInfo {
  const display = m['display'] === undefined ? null : obj(m['display']);
  const stationTxId = text(m['transactionId']);
  return {
    id: m['id'] as number,
    priority: m['priority'] as string,
    state: text(m['state']),
    startDateTime: text(m['startDateTime']),
    endDateTime: text(m['endDateTime']),
    transactionId: stationTxId ? transactions.byStationTxId(stationId, stationTxId)?.id ?? null : null,
    stationTxId,
    message: contentFrom(obj(m['message'])),
    messageExtra: list(m['messageExtra']).map(contentFrom),
    display: display
      ? { component: text(display['name']) ?? '', componentInstance: text(display['instance']), evseId: int(obj(display['evse'])['id']), connectorId: int(obj(display['evse'])['connectorId']) }
      : null,
  };
}

export function messageInfoToOcpp(info: MessageInfo): Record<string, unknown> {
  const m: Record<string, unknown> = { id: info.id, priority: info.priority, message: contentToOcpp(info.message) };
  if (info.state) m['state'] = info.state;
  if (info.startDateTime) m['startDateTime'] = info.startDateTime;
  if (info.endDateTime) m['endDateTime'] = info.endDateTime;
  if (info.stationTxId) m['transactionId'] = info.stationTxId;
  if (info.messageExtra.length) m['messageExtra'] = info.messageExtra.map(contentToOcpp);
  if (info.display) {
    const d = info.display;
    const display: Record<string, unknown> = { name: d.component };
    if (d.componentInstance) display['instance'] = d.componentInstance;
    if (d.evseId !== null) display['evse'] = d.connectorId !== null ? { id: d.evseId, connectorId: d.connectorId } : { id: d.evseId };
    m['display'] = display;
  }
  return m;
}

/** OCPP 2.x O: the station lists its display messages (answer to GetDisplayMessages). */
export const v2DisplayMessages: HandlerTable = {
  async NotifyDisplayMessages(ctx, p) {
    const { displayMessages, transactions } = ctx.services;
    const messages = list(p['messageInfo']).map((m) => messageInfoFrom(ctx.stationId, m, transactions));
    await displayMessages.reportPart(ctx.stationId, p['requestId'] as number, p['tbc'] !== true, messages);
    return {};
  },
};
