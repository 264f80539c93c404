import type { Failure, OcspRequest } from '../../domain/iso15118.ts';
import type { HandlerTable } from '../dispatcher.ts';
import { int, obj, text } from '../payload.ts';
import type { Payload } from '../rpc/frames.ts';

/** StatusInfoType: reasonCode up to 20 characters, additionalInfo up to 512 (2.0.1). */
const statusInfo = (failure: Failure): Payload => ({ reasonCode: failure.reasonCode.slice(0, 20), additionalInfo: failure.reason.slice(0, 512) });

/**
 * OCPP 2.x M, what stations ask: contract certificates for ISO 15118 EVs (Get15118EVCertificate) and OCSP
 * status of V2G certificates (GetCertificateStatus). Answered by src/domain/iso15118.ts: honestly Failed while
 * Ampyard has no PKI to ask.
 */
export const v2Iso15118: HandlerTable = {
  async Get15118EVCertificate(ctx, p) {
    const answer = await ctx.services.iso15118.evCertificate(ctx.stationId, {
      iso15118SchemaVersion: p['iso15118SchemaVersion'] as string,
      action: p['action'] as 'Install' | 'Update',
      exiRequest: p['exiRequest'] as string,
      ...(int(p['maximumContractCertificateChains']) !== null ? { maximumContractCertificateChains: int(p['maximumContractCertificateChains'])! } : {}),
      ...(Array.isArray(p['prioritizedEMAIDs']) ? { prioritizedEMAIDs: p['prioritizedEMAIDs'] as string[] } : {}),
    });
    if (answer.status === 'Failed') return { status: 'Failed', exiResponse: '', statusInfo: statusInfo(answer) };
    const response: Payload = { status: 'Accepted', exiResponse: answer.exiResponse };
    if (ctx.version === '2.1' && answer.remainingContracts !== undefined) response['remainingContracts'] = answer.remainingContracts;
    return response;
  },

  async GetCertificateStatus(ctx, p) {
    const data = obj(p['ocspRequestData']);
    const request: OcspRequest = {
      hashAlgorithm: data['hashAlgorithm'] as OcspRequest['hashAlgorithm'],
      issuerNameHash: text(data['issuerNameHash']) ?? '',
      issuerKeyHash: text(data['issuerKeyHash']) ?? '',
      serialNumber: text(data['serialNumber']) ?? '',
      responderURL: text(data['responderURL']) ?? '',
    };
    const answer = await ctx.services.iso15118.certificateStatus(ctx.stationId, request);
    return answer.status === 'Failed' ? { status: 'Failed', statusInfo: statusInfo(answer) } : { status: 'Accepted', ocspResult: answer.ocspResult };
  },
};
