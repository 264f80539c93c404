import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import { text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

/**
 * A CSR the site CA accepted is signed and delivered (CertificateSigned) right after the answer has gone out:
 * the station expects its SignCertificate answered before the certificate arrives.
 */
export function deliverAfterAnswer(ctx: HandlerContext, deliver: (() => Promise<void>) | undefined): void {
  if (!deliver) return;
  setImmediate(() => deliver().catch((error: Error) => ctx.log.error('could not sign or deliver a station certificate', { station: ctx.stationId, error: error.message })));
}

/** OCPP 1.6 Security Whitepaper (edition 3) messages a station sends. */
export const v16Security: HandlerTable = {
  async SecurityEventNotification(ctx, p) {
    await ctx.services.securityEvents.fromStation(ctx.stationId, {
      type: p['type'] as string,
      timestamp: normalizeTimestamp(p['timestamp']),
      techInfo: text(p['techInfo']),
    });
    return {};
  },

  async SignCertificate(ctx, p) {
    // 1.6 has one kind of CSR: for the charge point's own (Central System connection) certificate.
    const outcome = await ctx.services.stationCa.csrReceived(ctx.stationId, { csr: p['csr'] as string, certificateType: 'ChargingStationCertificate', requestId: null });
    deliverAfterAnswer(ctx, outcome.deliver);
    return { status: outcome.accepted ? 'Accepted' : 'Rejected' };
  },
};
