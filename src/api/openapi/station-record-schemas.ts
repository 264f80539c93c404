/**
 * Response schemas of a station's own records: its update and log jobs (src/domain/station-job.ts), the files it
 * uploaded, its configuration as last read, and remote starts waiting for the driver.
 */
import { chargingProfileSchema } from '../../domain/charging-profile.ts';
import { jobKinds } from '../../domain/station-job.ts';
import { componentFields, componentVariableFields, nullableBoolean, nullableInteger, nullableNumber, nullableText, nullableTime, orNull, record, schemaRef, text, time } from './schema-parts.ts';

const stationFile = record('A file a station uploaded (a diagnostics file or a log)', {
  id: { type: 'integer' },
  stationId: text,
  jobId: nullableInteger,
  name: text,
  contentType: nullableText,
  size: { type: 'integer', minimum: 0 },
  sha256: text,
  receivedAt: time,
});

const stationJob = record('A firmware update, log upload or firmware publication, and every status it went through', {
  id: { type: 'integer' },
  stationId: text,
  kind: { enum: [...jobKinds] },
  family: { enum: ['firmware', 'log', 'publish'] },
  requestId: { ...nullableInteger, description: 'The OCPP requestId, for messages that have one' },
  firmwareId: nullableInteger,
  location: { type: 'string', description: 'The URL given to the station: where to download, or where to upload' },
  params: { type: 'object', description: 'The command’s parameters' },
  status: { type: 'string', description: 'snake_case of the OCPP status, e.g. downloading, installed, uploaded' },
  state: { enum: ['pending', 'active', 'succeeded', 'failed'] },
  createdAt: time,
  updatedAt: time,
  history: {
    type: 'array',
    items: record('A status the job went through', { at: time, status: text, source: { enum: ['ampyard', 'station'] }, detail: nullableText }),
  },
  files: { type: 'array', items: schemaRef('StationFile') },
  result: { type: ['object', 'null'], description: 'What the station reported beyond its status (e.g. where it published firmware)' },
});

const configurationEntry = record('A configuration key as last read from the station (2.x: a device-model variable, Component/Variable)', {
  key: text,
  value: nullableText,
  readonly: { type: 'boolean' },
  fetchedAt: time,
});

const pendingRemoteStart = record('A remote start waiting for the driver to plug in', {
  stationId: text,
  evseId: nullableInteger,
  idToken: text,
  requestedAt: time,
  expiresAt: time,
});

const storedChargingProfile = record('A charging profile Ampyard set on a station, and the station’s answer', {
  stationId: text,
  evseId: { type: 'integer', description: '0: the whole station' },
  profile: { ...chargingProfileSchema, required: ['id', ...chargingProfileSchema.required], description: 'The profile, version-neutral (transactionId: Ampyard’s session id)' },
  status: { type: 'string', description: 'The station’s answer when last sent: accepted, rejected, notsupported' },
  answeredAt: time,
  createdAt: time,
  updatedAt: time,
  valid: { type: 'boolean', description: 'Whether it can still apply now; only valid accepted profiles are sent again after a reboot' },
});

const dataTransfer = record('A vendor-specific DataTransfer message, in or out', {
  id: { type: 'integer' },
  stationId: text,
  at: time,
  direction: { enum: ['in', 'out'] },
  vendorId: text,
  messageId: nullableText,
  data: { ...nullableText, description: 'As sent; JSON other than a string is kept as its JSON text' },
  status: { ...nullableText, description: 'The answer’s status (Accepted, Rejected, UnknownVendorId, UnknownMessageId), when there was one' },
});

const certificateSigningRequest = record('A certificate signing request a station sent, and what became of it', {
  id: { type: 'integer' },
  stationId: text,
  certificateType: { ...nullableText, description: 'ChargingStationCertificate, V2GCertificate, …' },
  requestId: nullableInteger,
  csr: { type: 'string', description: 'PEM' },
  subject: nullableText,
  status: { enum: ['pending', 'rejected', 'superseded', 'installed'] },
  rejectReason: nullableText,
  receivedAt: time,
  certificateChain: { ...nullableText, description: 'The last chain sent for it (CertificateSigned), PEM' },
  certificateSentAt: nullableTime,
  certificateStatus: { enum: ['accepted', 'rejected', null] },
  updatedAt: time,
});

const reportRequestFields = {
  requestId: { type: 'integer' },
  kind: text,
  params: { type: 'object' },
  requestedAt: time,
  status: { ...nullableText, description: 'The station’s answer to the request' },
  partsReceived: { type: 'integer' },
  lastSeqNo: nullableInteger,
  completedAt: nullableTime,
};
const reportRequest = record('A report Ampyard asked a station for, and how far it came', reportRequestFields);

const customerInformationRequest = record('A CustomerInformation request and the NotifyCustomerInformation parts that answer it', {
  ...reportRequestFields,
  data: { type: 'string', description: 'Every part’s data in seqNo order' },
  complete: { type: 'boolean', description: 'The last part came and none is missing' },
  parts: { type: 'array', items: record('One part', { seqNo: { type: 'integer' }, data: text, generatedAt: time, receivedAt: time }) },
});

const iso15118Request = record('An ISO 15118 certificate request a station made and how Ampyard answered it', {
  id: { type: 'integer' },
  stationId: text,
  action: { enum: ['Get15118EVCertificate', 'GetCertificateStatus'] },
  request: { type: 'object', description: 'As received, e.g. { iso15118SchemaVersion, action, exiRequest } or { ocspRequestData }' },
  status: { type: 'string', description: 'Accepted or Failed' },
  reasonCode: nullableText,
  reason: nullableText,
  answeredBy: { type: 'string', description: 'The provider or status source that answered (offline: nobody could)' },
  receivedAt: time,
});

const ocpp21Message = record('An OCPP 2.1-only message a station sent, which Ampyard keeps but does not act on', {
  id: { type: 'integer' },
  stationId: text,
  action: text,
  kind: { enum: ['call', 'send'], description: 'send: 2.1’s unanswered SEND' },
  payload: { type: 'object' },
  answer: { description: 'What Ampyard answered: the response payload or { error, description }; null for a SEND' },
  receivedAt: time,
});

const deviceVariable = record('One attribute of a variable of an OCPP 2.x station’s device model, as last reported or read', {
  ...componentVariableFields,
  attributeType: { type: 'string', description: 'Actual, Target, MinSet or MaxSet' },
  value: nullableText,
  mutability: nullableText,
  persistent: nullableBoolean,
  constant: nullableBoolean,
  dataType: nullableText,
  unit: nullableText,
  minLimit: nullableNumber,
  maxLimit: nullableNumber,
  valuesList: nullableText,
  supportsMonitoring: nullableBoolean,
  updatedAt: time,
});

const messageContent = record('A message text', { format: text, language: nullableText, content: text });
const displayMessage = record('A message on an OCPP 2.x station’s display', {
  id: { type: 'integer' },
  priority: { type: 'string', description: 'AlwaysFront, InFront or NormalCycle' },
  state: nullableText,
  startDateTime: nullableTime,
  endDateTime: nullableTime,
  transactionId: nullableInteger,
  stationTxId: nullableText,
  message: messageContent,
  messageExtra: { type: 'array', items: messageContent },
  display: orNull(record('The display, when not the station’s default', componentFields)),
  setAt: { ...nullableTime, description: 'When the station last accepted it from Ampyard' },
  reportedAt: { ...nullableTime, description: 'When the station last listed it' },
  updatedAt: time,
});

const variableMonitor = record('A monitor on a variable of an OCPP 2.x station', {
  id: { type: 'integer' },
  ...componentVariableFields,
  type: { type: 'string', description: 'UpperThreshold, LowerThreshold, Delta, Periodic, PeriodicClockAligned, …' },
  value: { type: 'number' },
  severity: { type: 'integer', minimum: 0, maximum: 9 },
  transaction: { type: 'boolean', description: 'Only active during a transaction' },
  eventNotificationType: nullableText,
  source: { enum: ['report', 'ampyard'] },
  updatedAt: time,
});

const monitorInventory = {
  type: 'object',
  description: 'A station’s monitors, the monitoring base and level it accepted last, and the reports asked for',
  required: ['items', 'monitoringBase', 'monitoringBaseAt', 'monitoringLevel', 'monitoringLevelAt', 'reports'],
  properties: {
    items: { type: 'array', items: schemaRef('VariableMonitor') },
    monitoringBase: nullableText,
    monitoringBaseAt: nullableTime,
    monitoringLevel: nullableInteger,
    monitoringLevelAt: nullableTime,
    reports: { type: 'array', items: schemaRef('ReportRequest') },
  },
};

export const stationRecordSchemas = { StationJob: stationJob, StationFile: stationFile, ConfigurationEntry: configurationEntry, PendingRemoteStart: pendingRemoteStart, StoredChargingProfile: storedChargingProfile, DataTransfer: dataTransfer, CertificateSigningRequest: certificateSigningRequest, ReportRequest: reportRequest, CustomerInformationRequest: customerInformationRequest, Iso15118Request: iso15118Request, Ocpp21Message: ocpp21Message, DeviceVariable: deviceVariable, DisplayMessage: displayMessage, VariableMonitor: variableMonitor, MonitorInventory: monitorInventory };
