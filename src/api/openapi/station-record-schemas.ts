/**
 * Response schemas of a station's own records: its update and log jobs (src/domain/station-job.ts), the files it
 * uploaded, its configuration as last read, and remote starts waiting for the driver.
 */
import { jobKinds } from '../../domain/station-job.ts';
import type { JsonSchema } from './define-route.ts';

const text = { type: 'string' };
const nullableText = { type: ['string', 'null'] };
const time = { type: 'string', format: 'date-time' };
const nullableInteger = { type: ['integer', 'null'] };
const record = (description: string, properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', description, required: Object.keys(properties), properties });

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
  files: { type: 'array', items: { $ref: '#/components/schemas/StationFile' } },
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

export const stationRecordSchemas = { StationJob: stationJob, StationFile: stationFile, ConfigurationEntry: configurationEntry, PendingRemoteStart: pendingRemoteStart };
