/**
 * Response schemas of station security, the local authorization list and the audit log (src/domain/
 * station-security-state.ts, local-list.ts, src/storage/audit-repo.ts), as the handlers return them.
 */
import { idTokenStatuses } from '../../domain/id-tokens.ts';
import { nullableInteger, nullableText, nullableTime, orNull, record, schemaRef, text, time } from './schema-parts.ts';

const profile = { enum: [0, 1, 2, 3] };
const nullableProfile = { enum: [0, 1, 2, 3, null] };
const tokenStatus = { enum: [...idTokenStatuses] };


const securityFields = {
  stationId: text,
  securityProfile: { ...nullableProfile, description: 'The lowest profile the station may connect with; null: the site policy applies' },
  profileReason: { enum: ['legacy', 'registration', 'first-connection', 'admin', 'upgrade', null] },
  pendingProfile: { ...nullableProfile, description: 'An upgrade sent; the old profile is accepted until the station connects with this one' },
  pendingSince: nullableTime,
  hasPassword: { type: 'boolean' },
  passwordSetAt: nullableTime,
  passwordChangePending: { type: 'boolean' },
  lastProfile: nullableProfile,
  lastCredential: { enum: ['none', 'password', 'previous-password', 'certificate', null] },
  lastCertificateSerial: nullableText,
  lastAddress: nullableText,
  lastAuthenticatedAt: nullableTime,
  updatedAt: nullableTime,
};

const stationSecurity = record('A station’s security settings (never a password or its hash)', securityFields);

/** A certificate's validity as src/domain/station-security-state.ts tells it (CertificateValidity). */
const validities = ['valid', 'expiring', 'expired', 'revoked', 'not-yet-valid'];

const issuedCertificate = record('A certificate the site CA issued to a station', {
  serialNumber: { type: 'string', description: 'Lower-case hex' },
  stationId: text,
  csrId: nullableInteger,
  certificateType: text,
  subject: text,
  notBefore: time,
  notAfter: time,
  certificate: { type: 'string', description: 'PEM' },
  issuedAt: time,
  delivery: { enum: ['pending', 'accepted', 'rejected', 'failed'] },
  revokedAt: nullableTime,
  revocationReason: nullableText,
  renewalRequestedAt: nullableTime,
  validity: { enum: validities, description: '`expiring` within the renewal window' },
});

const hashData = {
  hashAlgorithm: { enum: ['SHA256', 'SHA384', 'SHA512'] },
  issuerNameHash: text,
  issuerKeyHash: text,
  serialNumber: text,
};
const expiry = { enum: [...validities, 'unknown'], description: '`unknown`: only hash data is known, not the certificate' };

const stationCertificates = record('A station’s certificates: what it has installed, when each type was last asked for, expiry warnings, and what the site CA issued it', {
  items: {
    type: 'array',
    items: record('An installed certificate', {
      ...hashData,
      certificateType: text,
      childCertificateHashData: { oneOf: [{ type: 'null' }, { type: 'array', items: record('A sub-CA certificate', hashData) }], description: '2.x V2GCertificateChain' },
      source: { enum: ['station', 'installed'], description: 'station: reported by GetInstalledCertificateIds; installed: Ampyard installed it' },
      certificate: { ...nullableText, description: 'PEM, when Ampyard installed it' },
      reportedAt: time,
      notAfter: nullableTime,
      expiry,
    }),
  },
  checks: { type: 'array', items: record('When a certificate type was last asked for', { certificateType: text, checkedAt: time }) },
  warnings: { type: 'array', items: record('A certificate that is expiring or expired', { certificateType: text, serialNumber: text, notAfter: nullableTime, expiry }) },
  issued: { type: 'array', items: schemaRef('IssuedCertificate') },
});

const stationSecurityDetail = {
  type: 'object',
  description: 'A station’s security settings, the profile it must use now, and the newest certificates issued to it',
  required: [...Object.keys(securityFields), 'requiredProfile', 'certificates'],
  properties: { ...securityFields, requiredProfile: profile, certificates: { type: 'array', items: schemaRef('IssuedCertificate') } },
};

const localListStatus = record('Whether a station has Ampyard’s local authorization list', {
  stationId: text,
  syncStatus: { enum: ['in_sync', 'out_of_date', 'failed', 'unknown'] },
  lastSent: orNull(record('The last list sent', {
    version: { type: 'integer' },
    updateType: { enum: ['full', 'differential'] },
    revision: { type: 'integer' },
    entries: { type: 'integer' },
    at: time,
    answer: { enum: ['pending', 'accepted', 'failed', 'notsupported', 'versionmismatch'] },
    answeredAt: nullableTime,
  })),
  accepted: orNull(record('The last list the station accepted', { version: { type: 'integer' }, revision: { type: 'integer' }, at: time })),
  reported: orNull(record('The version the station last reported', { version: { type: 'integer' }, at: time })),
  needsFull: { type: 'boolean' },
  pendingChanges: { type: 'integer', description: 'Tokens changed since the revision the station accepted' },
  revision: { type: 'integer' },
  entries: { type: 'integer' },
});

const listEntryFields = { token: text, type: text, status: tokenStatus, expiresAt: nullableTime, groupId: nullableText };
const localListEntry = record('A token on the local authorization list', listEntryFields);
const localListToken = record('An operator token, and whether it is on the local list', { ...listEntryFields, included: { type: 'boolean' } });

const auditEntry = record('One entry of the audit log', {
  id: { type: 'integer' },
  at: time,
  userId: nullableInteger,
  username: nullableText,
  role: nullableText,
  via: { enum: ['session', 'token', 'cli', null] },
  action: { type: 'string', description: '`request` for an API call; `login`, `login.failed`, `logout`, `setup`, … otherwise' },
  method: nullableText,
  path: nullableText,
  status: nullableInteger,
  ip: nullableText,
  detail: nullableText,
});

const securityOverview = record('The site CA, the TLS listener and the security policy', {
  ca: record('The site CA stations trust for Ampyard’s TLS certificate and that signs their client certificates', {
    subject: text,
    fingerprintSha256: text,
    notBefore: time,
    notAfter: time,
    imported: { type: 'boolean', description: 'Brought by the operator rather than made by Ampyard' },
    organization: text,
    keyType: text,
  }),
  tls: record('The TLS listener (security profiles 2 and 3)', { port: nullableInteger, enabled: { type: 'boolean' } }),
  policy: record('What a station needs to connect', { allowProfile0: { type: 'boolean' }, unconfiguredStationsNeed: text, organization: text }),
});

const securityEvent = record('A security event: reported by a station (SecurityEventNotification) or noted by Ampyard', {
  id: { type: 'integer' },
  stationId: { ...nullableText, description: 'Null for Ampyard’s own events that concern no station' },
  source: { enum: ['station', 'csms'] },
  type: { type: 'string', description: 'The OCPP security event type, or Ampyard’s own' },
  timestamp: time,
  techInfo: nullableText,
  receivedAt: time,
});

export const accessSchemas = {
  SecurityOverview: securityOverview,
  SecurityEvent: securityEvent,
  StationSecurity: stationSecurity,
  StationSecurityDetail: stationSecurityDetail,
  IssuedCertificate: issuedCertificate,
  StationCertificates: stationCertificates,
  LocalListStatus: localListStatus,
  LocalListEntry: localListEntry,
  LocalListToken: localListToken,
  AuditEntry: auditEntry,
};
