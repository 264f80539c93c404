/**
 * JSON schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the resources integrators read most, as the handlers
 * return them (src/domain/*.ts). They live in the document's `components.schemas`; routes refer to them with
 * `resourceRef('Station')` and lists with `item: resourceRef('Station')`.
 */
import { connectorStatuses } from '../../domain/station.ts';
import { idTokenStatuses } from '../../domain/id-tokens.ts';
import { roles } from '../../auth/roles.ts';
import { reservationStatuses } from '../../domain/reservation.ts';
import { deliveryStatuses } from '../../domain/webhook.ts';
import type { JsonSchema } from './define-route.ts';
import { componentVariableFields, nullableInteger, nullableNumber, nullableText, nullableTime, record, schemaRef, text, time } from './schema-parts.ts';
import { accessSchemas } from './access-schemas.ts';
import { siteResourceSchemas } from './site-resource-schemas.ts';
import { smartChargingSchemas } from './smart-charging-schemas.ts';
import { stationRecordSchemas } from './station-record-schemas.ts';

const connector = record('A connector of an EVSE', {
  connectorId: { type: 'integer' },
  status: { enum: connectorStatuses },
  errorCode: nullableText,
  vendorErrorCode: nullableText,
  info: nullableText,
  statusAt: nullableTime,
});

const evse = record('An EVSE (OCPP 1.6: one per connector)', { evseId: { type: 'integer' }, connectors: { type: 'array', items: { $ref: '#/components/schemas/Connector' } } });

const station = record('A charging station: registration, identity, connection and connector state', {
  id: text,
  quirks: { type: 'object', description: 'Per-station settings for brand quirks, e.g. `idTagSuffixSeparator`, `energyRegisterUnit`' },
  registration: { enum: ['pending', 'accepted', 'rejected'] },
  ocppVersion: { enum: ['1.6', '2.0.1', '2.1', null] },
  vendor: nullableText,
  model: nullableText,
  serialNumber: nullableText,
  firmwareVersion: nullableText,
  iccid: nullableText,
  imsi: nullableText,
  meterType: nullableText,
  meterSerialNumber: nullableText,
  connected: { type: 'boolean' },
  remoteAddress: nullableText,
  connectedAt: nullableTime,
  disconnectedAt: nullableTime,
  lastSeen: nullableTime,
  lastBootAt: nullableTime,
  bootReason: nullableText,
  status: { description: 'Station-wide status (OCPP 1.6 connector 0)', enum: [...connectorStatuses, null] },
  errorCode: nullableText,
  evses: { type: 'array', items: { $ref: '#/components/schemas/Evse' } },
  createdAt: time,
  updatedAt: time,
});

const transaction = record('A charging session; `id` is Ampyard’s (and the OCPP 1.6 transactionId)', {
  id: { type: 'integer' },
  stationId: text,
  evseId: { type: 'integer' },
  connectorId: { type: 'integer' },
  stationTxId: { type: 'string', description: 'The station’s own id: 2.0.1’s transactionId; for 1.6 the decimal of `id`' },
  idToken: nullableText,
  idTokenType: nullableText,
  groupId: nullableText,
  authStatus: nullableText,
  stopIdToken: nullableText,
  reservationId: nullableInteger,
  status: { enum: ['active', 'ended'] },
  startedAt: time,
  endedAt: nullableTime,
  meterStartWh: nullableNumber,
  meterStopWh: nullableNumber,
  energyWh: nullableNumber,
  lastMeterWh: nullableNumber,
  lastPowerW: nullableNumber,
  lastSampleAt: nullableTime,
  stopReason: nullableText,
  endedBy: { type: ['string', 'null'], description: '`station`, or `reconciled-boot` / `reconciled-status` / `superseded` when Ampyard closed it' },
  chargingState: nullableText,
  seqNo: nullableInteger,
  offline: { type: 'boolean' },
  createdAt: time,
  updatedAt: time,
});

const idToken = record('An ID token (RFID card, key code, …)', {
  token: text,
  type: { type: 'string', description: 'OCPP 2.x IdTokenEnumType, e.g. ISO14443' },
  status: { enum: idTokenStatuses },
  expiresAt: nullableTime,
  groupId: { type: ['string', 'null'], description: 'The id of its ID-token group' },
  label: nullableText,
  source: { enum: ['operator', 'free-vend'] },
  lastUsedAt: nullableTime,
  createdAt: time,
  updatedAt: time,
});

const idTokenGroup = record('An ID-token group; its id is what stations get as groupIdToken (1.6 parentIdTag)', {
  id: text,
  label: nullableText,
  members: { type: 'integer', minimum: 0, description: 'How many ID tokens are in it' },
  createdAt: time,
  updatedAt: time,
});

const meterSample = record('One sampled value, normalised (Wh, W, varh, …) with what the station sent kept beside it', {
  timestamp: time,
  measurand: { type: 'string', description: 'OCPP measurand, e.g. Energy.Active.Import.Register' },
  phase: nullableText,
  location: nullableText,
  context: nullableText,
  unit: { type: ['string', 'null'], description: 'After normalisation: kWh is given in Wh, kW in W' },
  value: { type: ['number', 'null'], description: 'In `unit`; null when the station’s value is not a number' },
  rawValue: { type: 'string', description: 'The value exactly as the station sent it' },
  rawUnit: nullableText,
  signedData: { type: ['string', 'null'], description: 'Signed meter data (e.g. OCMF) exactly as sent, for calibration-law audits' },
});

const webhook = record('A receiver of domain events; its secret is shown only when set', {
  id: { type: 'integer' },
  url: { type: 'string', format: 'uri' },
  description: text,
  events: { type: 'array', items: text, description: 'Event types: exact (`transaction.ended`), a family (`transaction.*`) or `*`' },
  enabled: { type: 'boolean' },
  pending: { type: 'integer', minimum: 0, description: 'Deliveries waiting to be (re)tried' },
  dropped: { type: 'integer', minimum: 0, description: 'Deliveries dropped undelivered because the queue was full' },
  lastDelivery: {
    oneOf: [{ type: 'null' }, { type: 'object', required: ['at', 'status', 'responseStatus'], additionalProperties: false, properties: { at: time, status: { enum: deliveryStatuses }, responseStatus: nullableInteger } }],
  },
  createdAt: time,
  updatedAt: time,
});

const webhookDelivery = record('One event sent (or to be sent) to one webhook, with the outcome of its latest attempt', {
  id: { type: 'string', description: 'Sent as `X-Ampyard-Delivery`; the same on every attempt' },
  webhookId: { type: 'integer' },
  eventId: { type: 'string', description: 'The event’s id (`id` in the body), the same for every webhook' },
  eventType: text,
  status: { enum: deliveryStatuses },
  attempts: { type: 'integer', minimum: 0 },
  nextAttemptAt: nullableTime,
  lastAttemptAt: nullableTime,
  responseStatus: nullableInteger,
  error: nullableText,
  durationMs: nullableNumber,
  createdAt: time,
  finishedAt: nullableTime,
});

const tariff = record('A price list for the site (groupId null) or one ID-token group', {
  id: { type: 'integer' },
  groupId: nullableText,
  name: text,
  currency: { type: 'string', description: 'ISO 4217, e.g. EUR' },
  pricePerKwh: { type: 'number' },
  pricePerHour: { type: 'number' },
  sessionFee: { type: 'number' },
  message: { type: ['string', 'null'], description: 'Shown to the driver at the start instead of the generated price text' },
  createdAt: time,
  updatedAt: time,
});

const transactionCost = record('What a session costs so far (or in the end, `final`) under the tariff that applies to it', {
  transactionId: { type: 'integer' },
  tariff: { $ref: '#/components/schemas/Tariff' },
  currency: text,
  totalCost: { type: 'number' },
  energyWh: { type: 'number' },
  durationSeconds: { type: 'number' },
  final: { type: 'boolean' },
  computedAt: time,
  sentAt: { type: ['string', 'null'], format: 'date-time', description: 'When the last CostUpdated went to the station' },
  sentCost: nullableNumber,
});

const reservation = record('A reservation of an EVSE (0: any) for an ID token; `id` is the OCPP reservationId', {
  id: { type: 'integer' },
  stationId: text,
  evseId: { type: 'integer', minimum: 0 },
  connectorType: { type: ['string', 'null'], description: 'OCPP 2.x: a connector of this type' },
  idToken: text,
  idTokenType: nullableText,
  groupId: nullableText,
  expiresAt: time,
  status: { enum: reservationStatuses },
  transactionId: { type: ['integer', 'null'], description: 'The session that used it' },
  createdAt: time,
  updatedAt: time,
});

const user = record('A person who signs in to the UI and API (never with their password hash)', {
  id: { type: 'integer' },
  username: text,
  role: { enum: roles },
  disabled: { type: 'boolean' },
  createdAt: time,
  updatedAt: time,
  passwordChangedAt: time,
  lastLoginAt: nullableTime,
});

const apiToken = record('An API token of a user; its secret is shown only when it is created', {
  id: { type: 'integer' },
  userId: { type: 'integer' },
  username: text,
  name: text,
  prefix: { type: 'string', description: 'The first characters of the token, to recognise it; not enough to use it' },
  createdAt: time,
  lastUsedAt: nullableTime,
});

const stationMeterSample = {
  description: 'A sampled value of a station, with the EVSE and session it belongs to',
  allOf: [{ $ref: '#/components/schemas/MeterSample' }, { type: 'object', required: ['evseId', 'transactionId'], properties: { evseId: { type: 'integer' }, transactionId: nullableInteger } }],
};

const storageHealth = record('Whether storage accepts writes; when not, chargers’ messages are refused rather than acknowledged', {
  ok: { type: 'boolean' },
  problem: { enum: ['disk_full', 'read_only', 'io_error', null] },
  message: nullableText,
  since: nullableTime,
});

const health = record('Health of the appliance', {
  status: { enum: ['ok', 'degraded'] },
  version: text,
  uptimeSeconds: { type: 'integer', minimum: 0 },
  stationsConnected: { type: 'integer', minimum: 0 },
  storage: storageHealth,
});

const about = record('Version, data directory, uptime, database size and licence', {
  version: text,
  dataDir: text,
  startedAt: time,
  uptimeSeconds: { type: 'integer', minimum: 0 },
  databaseBytes: { type: 'integer', minimum: 0 },
  licence: text,
  apiDocs: text,
});

const signedIn = {
  type: 'object',
  description: 'Who is signed in, and how; a session also gets its CSRF token (send it as x-csrf-token on changes)',
  required: ['user', 'via'],
  properties: { user: { $ref: '#/components/schemas/User' }, via: { enum: ['session', 'token'] }, csrfToken: text },
};

const browserSession = {
  description: 'A browser session just opened: the user, its CSRF token (send it as x-csrf-token on changes) and when it ends at the latest',
  allOf: [{ $ref: '#/components/schemas/SignedIn' }, { type: 'object', required: ['csrfToken', 'expiresAt'], properties: { via: { const: 'session' }, expiresAt: time } }],
};

const importCounts = record('What an ID-token import did (or, as a dry run, would do)', {
  dryRun: { type: 'boolean' },
  total: { type: 'integer', description: 'Lines read' },
  created: { type: 'integer' },
  updated: { type: 'integer' },
});

const siteSettings = record('Site-wide settings', {
  freeVend: { type: 'boolean', description: 'Any ID token may charge; unknown ones are recorded' },
  remoteStartTimeoutSeconds: { type: 'integer', description: 'How long a remote start waits for the station to start' },
  acceptUnknownStations: { type: 'boolean', description: 'Chargers with unknown ids are accepted at once instead of waiting for approval' },
  siteName: text,
  gridLimitA: { ...nullableNumber, description: 'The grid connection’s limit per phase, in A' },
});

const stationEvent = record('An event a station reported (OCPP 2.x NotifyEvent), and the alarm it raised, if any', {
  id: { type: 'integer' },
  stationId: text,
  ...componentVariableFields,
  eventId: { type: 'integer' },
  timestamp: time,
  trigger: text,
  cause: nullableInteger,
  actualValue: text,
  techCode: nullableText,
  techInfo: nullableText,
  cleared: { type: ['boolean', 'null'] },
  transactionId: nullableText,
  variableMonitoringId: nullableInteger,
  eventNotificationType: text,
  severity: { type: ['integer', 'null'], minimum: 0, maximum: 9 },
  generatedAt: time,
  seqNo: { type: 'integer' },
  receivedAt: time,
  alarm: { enum: ['active', 'cleared', null] },
  clearedAt: nullableTime,
  clearedBy: { ...nullableText, description: 'station, operator or superseded' },
});

const stationWarning = record('Something a station did that Ampyard tolerated or corrected (a quirk, a reconciliation)', {
  id: { type: 'integer' },
  stationId: text,
  at: time,
  kind: text,
  message: text,
});

const ocppFrame = record('One OCPP frame in or out, as it went over the wire (secrets redacted)', {
  id: { type: 'integer' },
  stationId: text,
  at: time,
  direction: { enum: ['in', 'out'] },
  messageType: { enum: ['CALL', 'CALLRESULT', 'CALLERROR', 'SEND', 'CALLRESULTERROR', 'INVALID'] },
  messageId: text,
  action: nullableText,
  payload: { type: 'string', description: 'The frame’s text; very long frames are cut' },
});

const firmwareFile = record('A firmware image in the library, for stations to download', {
  id: { type: 'integer' },
  name: text,
  size: { type: 'integer', minimum: 0 },
  sha256: text,
  createdAt: time,
  downloadPath: { type: 'string', description: 'Where stations download it (a per-job URL is given to each station)' },
});

const stationFirmwareState = record('A station’s latest firmware status (snake_case of the OCPP status), and the update job it belongs to', {
  stationId: text,
  status: text,
  jobId: nullableInteger,
  at: time,
});

const commandOutcome = {
  type: 'object',
  description: 'A station’s answer to a version-neutral command',
  required: ['status', 'response'],
  properties: {
    status: { type: 'string', description: 'The answer in neutral form, lower case: accepted, rejected, unlocked, scheduled, …' },
    response: { type: 'object', description: 'The station’s response payload as received (OCPP of its version)' },
    result: { description: 'What Ampyard read or stored from the answer, for the commands that have one (e.g. the configuration fetched)' },
  },
};

const commandDescription = record('A command one may send, with its parameters', {
  name: text,
  summary: text,
  params: { type: 'object', description: 'JSON Schema of the command’s parameters' },
});

export const resourceSchemas = {
  Health: health, About: about, SignedIn: signedIn, BrowserSession: browserSession, ImportCounts: importCounts, SiteSettings: siteSettings, StationEvent: stationEvent, StationWarning: stationWarning, OcppFrame: ocppFrame, FirmwareFile: firmwareFile, StationFirmwareState: stationFirmwareState,
  CommandOutcome: commandOutcome, CommandDescription: commandDescription, Connector: connector, Evse: evse, Station: station, Transaction: transaction, IdToken: idToken, IdTokenGroup: idTokenGroup, MeterSample: meterSample, StationMeterSample: stationMeterSample, Webhook: webhook, WebhookDelivery: webhookDelivery, Tariff: tariff, TransactionCost: transactionCost, Reservation: reservation, User: user, ApiToken: apiToken, ...siteResourceSchemas, ...accessSchemas, ...stationRecordSchemas, ...smartChargingSchemas };

export type ResourceName = keyof typeof resourceSchemas;

export const resourceRef = (name: ResourceName): JsonSchema => schemaRef(name);

/** `{ items, total }` of one resource (a page of a list). */
/** `{ items }` of one resource (a series without paging). */
export const itemsOf = (name: ResourceName): JsonSchema => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: resourceRef(name) } } });

export const pageOf = (name: ResourceName): JsonSchema => ({
  type: 'object',
  required: ['items', 'total'],
  properties: { items: { type: 'array', items: resourceRef(name) }, total: { type: 'integer', minimum: 0 } },
});
