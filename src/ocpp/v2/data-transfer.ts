import type { HandlerTable } from '../dispatcher.ts';
import { text } from '../payload.ts';

/** OCPP 2.x P: vendor-specific data, to the same pluggable vendor handlers as 1.6; `data` is any JSON both ways. */
export const v2DataTransfer: HandlerTable = {
  async DataTransfer(ctx, p) {
    const answer = await ctx.services.dataTransfers.fromStation({ stationId: ctx.stationId, vendorId: p['vendorId'] as string, messageId: text(p['messageId']), data: p['data'] });
    return answer.data === undefined ? { status: answer.status } : { status: answer.status, data: answer.data };
  },
};
