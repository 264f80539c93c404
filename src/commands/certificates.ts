import type { Services } from '../app/services.ts';
import { installableCertificateTypes, reportableCertificateTypes, type CertificateHashData, type InstallableCertificateType } from '../domain/certificate.ts';
import type { InventoryEntry } from '../domain/certificates.ts';
import { ConflictError } from '../domain/errors.ts';
import { readCertificates, selfIssuedHashData } from '../domain/pem.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import type { OcppVersion } from '../ocpp/versions.ts';
import { ParamsError } from './params.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandSpec } from './spec.ts';

const isV16 = (version: string) => version === '1.6';

/** OCPP 1.6 (security extension) names for the certificate uses it knows. */
const v16CertificateUse: Partial<Record<string, string>> = {
  CSMSRootCertificate: 'CentralSystemRootCertificate',
  ManufacturerRootCertificate: 'ManufacturerRootCertificate',
};

const reportableIn = (version: OcppVersion): readonly string[] =>
  isV16(version) ? Object.keys(v16CertificateUse) : version === '2.1' ? reportableCertificateTypes : reportableCertificateTypes.filter((t) => t !== 'OEMRootCertificate');

const hashDataParam = {
  type: 'object',
  properties: {
    hashAlgorithm: { enum: ['SHA256', 'SHA384', 'SHA512'] },
    issuerNameHash: { type: 'string', minLength: 1, maxLength: 128 },
    issuerKeyHash: { type: 'string', minLength: 1, maxLength: 128 },
    serialNumber: { type: 'string', minLength: 1, maxLength: 40 },
  },
  required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
  additionalProperties: false,
};

const hashData = (value: unknown): CertificateHashData => {
  const h = obj(value);
  return {
    hashAlgorithm: h['hashAlgorithm'] as CertificateHashData['hashAlgorithm'],
    issuerNameHash: String(h['issuerNameHash']),
    issuerKeyHash: String(h['issuerKeyHash']),
    serialNumber: String(h['serialNumber']),
  };
};

function pemCertificates(field: string, pem: string, single: boolean) {
  const certificates = readCertificates(pem);
  if (typeof certificates === 'string') throw new ParamsError([{ field, message: `is not a PEM certificate${single ? '' : ' chain'}: ${certificates}` }]);
  if (single && certificates.length !== 1) throw new ParamsError([{ field, message: 'must hold exactly one PEM certificate' }]);
  return certificates;
}

/** Certificate management of the OCPP 1.6 security extension and OCPP 2.x (A02/A03, M03-M05, and the certificate triggers). */
export function certificateCommands(services: Services): CommandSpec[] {
  const { certificates } = services;

  const installCertificate: CommandSpec<{ certificateType: InstallableCertificateType; certificate: string }> = {
    name: 'installCertificate',
    summary: 'Install a root certificate (CSMS, manufacturer; OCPP 2.x also V2G and MO roots) on the station.',
    params: {
      type: 'object',
      properties: { certificateType: { enum: [...installableCertificateTypes] }, certificate: { type: 'string', minLength: 1, maxLength: 10000, description: 'PEM' } },
      required: ['certificateType', 'certificate'],
      additionalProperties: false,
    },
    toOcpp: ({ certificateType, certificate }, { version }) => {
      pemCertificates('certificate', certificate, true);
      if (!isV16(version)) return { action: 'InstallCertificate', payload: { certificateType, certificate } };
      const use = v16CertificateUse[certificateType];
      if (!use) throw new UnsupportedCommandError(`installCertificate of a ${certificateType}`, version);
      return { action: 'InstallCertificate', payload: { certificateType: use, certificate } };
    },
    interpret: async (response, { certificateType, certificate }, { station }) => {
      const outcome = defaultOutcome(response);
      if (outcome.status !== 'accepted') return outcome;
      // A root certificate names itself as issuer, so its OCPP hash data can be worked out here.
      const hash = selfIssuedHashData(pemCertificates('certificate', certificate, true)[0]!);
      if (hash) await certificates.installed(station.id, { ...hash, certificateType, childCertificateHashData: null, source: 'installed', certificate });
      outcome.result = { inventoryUpdated: hash !== undefined, certificateHashData: hash ?? null };
      return outcome;
    },
  };

  const getInstalledCertificateIds: CommandSpec<{ certificateType?: string | string[] }> = {
    name: 'getInstalledCertificateIds',
    summary: 'Ask the station which certificates it has installed (of one or more types; OCPP 2.x: all when none is given) and keep that inventory.',
    params: {
      type: 'object',
      properties: {
        certificateType: {
          anyOf: [{ enum: [...reportableCertificateTypes] }, { type: 'array', items: { enum: [...reportableCertificateTypes] }, minItems: 1, uniqueItems: true }],
          description: 'one type or a list (OCPP 1.6: exactly one, CSMSRootCertificate or ManufacturerRootCertificate)',
        },
      },
      additionalProperties: false,
    },
    toOcpp: ({ certificateType }, { version }) => {
      const asked = certificateType === undefined ? [] : typeof certificateType === 'string' ? [certificateType] : certificateType;
      const unknown = asked.filter((t) => !reportableIn(version).includes(t));
      if (unknown.length) throw new UnsupportedCommandError(`getInstalledCertificateIds of ${unknown.join(', ')}`, version);
      if (!isV16(version)) return { action: 'GetInstalledCertificateIds', payload: asked.length ? { certificateType: asked } : {} };
      if (asked.length !== 1) throw new UnsupportedCommandError('getInstalledCertificateIds', version, 'OCPP 1.6 asks for exactly one certificateType at a time');
      return { action: 'GetInstalledCertificateIds', payload: { certificateType: v16CertificateUse[asked[0]!]! } };
    },
    interpret: async (response, { certificateType }, { station, version }) => {
      const outcome = defaultOutcome(response);
      const asked = certificateType === undefined ? reportableIn(version) : typeof certificateType === 'string' ? [certificateType] : certificateType;
      const found = outcome.status === 'accepted';
      const entries: InventoryEntry[] = !found
        ? []
        : isV16(version)
          ? list(response['certificateHashData']).map((h) => ({ ...hashData(h), certificateType: asked[0]!, childCertificateHashData: null, source: 'station', certificate: null }))
          : list(response['certificateHashDataChain']).map((c) => {
              const children = list(c['childCertificateHashData']).map(hashData);
              return {
                ...hashData(c['certificateHashData']),
                certificateType: text(c['certificateType']) ?? 'unknown',
                childCertificateHashData: children.length ? children : null,
                source: 'station',
                certificate: null,
              };
            });
      await certificates.inventoryReported(station.id, asked, entries);
      outcome.result = { certificates: entries.map(({ source: _source, certificate: _certificate, ...entry }) => entry) };
      return outcome;
    },
  };

  const deleteCertificate: CommandSpec<{ certificateHashData: CertificateHashData }> = {
    name: 'deleteCertificate',
    summary: 'Delete an installed certificate from the station (identified by its hash data, as the inventory lists it).',
    params: { type: 'object', properties: { certificateHashData: hashDataParam }, required: ['certificateHashData'], additionalProperties: false },
    toOcpp: ({ certificateHashData }) => ({ action: 'DeleteCertificate', payload: { certificateHashData: hashData(certificateHashData) } }),
    interpret: async (response, { certificateHashData }, { station }) => {
      const outcome = defaultOutcome(response);
      // NotFound too: the station does not have it, so the inventory must not list it either.
      if (outcome.status === 'accepted' || outcome.status === 'notfound') {
        outcome.result = { removedFromInventory: await certificates.deleted(station.id, certificateHashData) };
      }
      return outcome;
    },
  };

  const triggerMessages = ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification'];
  const extendedTriggerMessage: CommandSpec<{ message: string; evseId?: number }> = {
    name: 'extendedTriggerMessage',
    summary: 'Ask the station to send a message now, including SignChargePointCertificate (a new CSR). OCPP 1.6 ExtendedTriggerMessage; OCPP 2.x TriggerMessage.',
    params: {
      type: 'object',
      properties: { message: { enum: triggerMessages }, evseId: { type: 'integer', minimum: 1, description: 'EVSE id (OCPP 1.6: the connector id)' } },
      required: ['message'],
      additionalProperties: false,
    },
    toOcpp: ({ message, evseId }, { version }) => {
      if (isV16(version)) return { action: 'ExtendedTriggerMessage', payload: { requestedMessage: message, ...(evseId ? { connectorId: evseId } : {}) } };
      const requestedMessage = message === 'SignChargePointCertificate' ? 'SignChargingStationCertificate' : message;
      return { action: 'TriggerMessage', payload: { requestedMessage, ...(evseId ? { evse: { id: evseId } } : {}) } };
    },
  };

  /** Which CSR each running certificateSigned is for, from sending to the answer (a newer CSR may arrive meanwhile). */
  const deliveries = new WeakMap<object, number>();
  const certificateSigned: CommandSpec<{ certificateChain: string; certificateType?: 'ChargingStationCertificate' | 'V2GCertificate'; csrId?: number }> = {
    name: 'certificateSigned',
    summary: 'Send the station its signed certificate chain (PEM, leaf first) for its pending CSR (the newest of that type, or csrId).',
    params: {
      type: 'object',
      properties: {
        certificateChain: { type: 'string', minLength: 1, maxLength: 10000, description: 'PEM' },
        certificateType: { enum: ['ChargingStationCertificate', 'V2GCertificate'], description: 'OCPP 2.x only' },
        csrId: { type: 'integer', minimum: 1, description: 'the CSR it answers; default: the newest pending one of the type' },
      },
      required: ['certificateChain'],
      additionalProperties: false,
    },
    toOcpp: (params, { station, version }) => {
      const { certificateChain, certificateType, csrId } = params;
      pemCertificates('certificateChain', certificateChain, false);
      if (isV16(version) && certificateType && certificateType !== 'ChargingStationCertificate') {
        throw new UnsupportedCommandError(`certificateSigned of a ${certificateType}`, version);
      }
      const csr = certificates.csrFor(station.id, csrId, certificateType ?? null);
      if (csr && (csr.status === 'rejected' || csr.status === 'superseded')) throw new ConflictError(`CSR ${csr.id} is ${csr.status}; no certificate can be delivered for it`);
      if (csr) deliveries.set(params, csr.id);
      if (isV16(version)) return { action: 'CertificateSigned', payload: { certificateChain } };
      const payload: Record<string, unknown> = { certificateChain };
      const use = certificateType ?? csr?.certificateType;
      if (use) payload['certificateType'] = use;
      if (version === '2.1' && csr?.requestId != null) payload['requestId'] = csr.requestId;
      return { action: 'CertificateSigned', payload };
    },
    interpret: async (response, params) => {
      const outcome = defaultOutcome(response);
      const csrId = deliveries.get(params);
      deliveries.delete(params);
      outcome.result = { csr: csrId === undefined ? null : await certificates.certificateDelivered(csrId, params.certificateChain, outcome.status === 'accepted') };
      return outcome;
    },
  };

  return [installCertificate, getInstalledCertificateIds, deleteCertificate, extendedTriggerMessage, certificateSigned];
}
