import type { HandlerTable } from '../dispatcher.ts';
import { int, text } from '../payload.ts';
import { deliverAfterAnswer } from '../v16/security.ts';
import { v2SecurityEvents } from './security-events.ts';

/** OCPP 2.0.1/2.1 security messages a station sends: its CSRs for the site CA (A02-A04) and its security events. */
export const v2Security: HandlerTable = {
  ...v2SecurityEvents,

  async SignCertificate(ctx, p) {
    const outcome = await ctx.services.stationCa.csrReceived(ctx.stationId, {
      csr: p['csr'] as string,
      certificateType: text(p['certificateType']),
      requestId: int(p['requestId']),
    });
    deliverAfterAnswer(ctx, outcome.deliver);
    return { status: outcome.accepted ? 'Accepted' : 'Rejected' };
  },
};
