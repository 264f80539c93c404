import type { HandlerTable } from '../dispatcher.ts';
import { text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

/**
 * OCPP 2.x A: the station's security events, into the same log as 1.6 ones (src/domain/security-events.ts).
 * SignCertificate, the other A message a station sends, belongs with the site CA (src/ocpp/v2/security.ts).
 */
export const v2SecurityEvents: HandlerTable = {
  async SecurityEventNotification(ctx, p) {
    await ctx.services.securityEvents.fromStation(ctx.stationId, {
      type: p['type'] as string,
      timestamp: normalizeTimestamp(p['timestamp']),
      techInfo: text(p['techInfo']),
    });
    return {};
  },
};
