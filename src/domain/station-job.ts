/**
 * Long-running station jobs that report back by status notifications: firmware updates (plain and signed),
 * diagnostics/log uploads, and firmware a local controller publishes to its stations (OCPP 2.x
 * PublishFirmware). Version-neutral: OCPP status names are kept as snake_case
 * (`DownloadFailed` → `download_failed`), like connector statuses.
 */
export const jobKinds = ['firmware', 'signed-firmware', 'diagnostics', 'log', 'publish-firmware'] as const;
export type JobKind = (typeof jobKinds)[number];

/** Jobs of one family share a status notification vocabulary. */
export type JobFamily = 'firmware' | 'log' | 'publish';

/** pending: sent, not yet answered; active: accepted and under way; succeeded/failed: finished. */
export type JobState = 'pending' | 'active' | 'succeeded' | 'failed';

export interface JobStatusEntry {
  at: string;
  status: string;
  /** `station`: reported by the station (answer or notification); `ampyard`: something Ampyard did or saw. */
  source: 'ampyard' | 'station';
  detail: string | null;
}

export interface StationFile {
  id: number;
  stationId: string;
  jobId: number | null;
  name: string;
  contentType: string | null;
  size: number;
  sha256: string;
  receivedAt: string;
}

export interface StationJob {
  id: number;
  stationId: string;
  kind: JobKind;
  family: JobFamily;
  /** The OCPP requestId of messages that have one (security extension, 2.x); null for plain 1.6 messages. */
  requestId: number | null;
  firmwareId: number | null;
  /** The URL given to the station: where to download firmware, or where to upload the log. */
  location: string;
  params: Record<string, unknown>;
  status: string;
  state: JobState;
  createdAt: string;
  updatedAt: string;
  history: JobStatusEntry[];
  files: StationFile[];
  /** What the station reported beyond its status, e.g. `{ locations }` where a local controller published firmware. */
  result: Record<string, unknown> | null;
}

/** The station's latest firmware status, whichever job (if any) it belongs to. */
export interface StationFirmwareState {
  stationId: string;
  status: string;
  jobId: number | null;
  at: string;
}

export function familyOf(kind: JobKind): JobFamily {
  if (kind === 'publish-firmware') return 'publish';
  return kind === 'firmware' || kind === 'signed-firmware' ? 'firmware' : 'log';
}

export function kindsOf(family: JobFamily): JobKind[] {
  if (family === 'publish') return ['publish-firmware'];
  return family === 'firmware' ? ['firmware', 'signed-firmware'] : ['diagnostics', 'log'];
}

export function neutralStatus(ocppStatus: string): string {
  return ocppStatus.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const successes: Record<JobFamily, ReadonlySet<string>> = {
  firmware: new Set(['installed']),
  log: new Set(['uploaded', 'received']),
  publish: new Set(['published']),
};

const failures: Record<JobFamily, ReadonlySet<string>> = {
  firmware: new Set([
    'download_failed',
    'installation_failed',
    'install_verification_failed',
    'invalid_signature',
    'rejected',
    'invalid_certificate',
    'revoked_certificate',
    'no_answer',
    'superseded',
  ]),
  log: new Set(['upload_failed', 'upload_failure', 'bad_message', 'not_supported_operation', 'permission_denied', 'rejected', 'no_answer', 'superseded']),
  publish: new Set(['download_failed', 'invalid_checksum', 'publish_failed', 'rejected', 'no_answer']),
};

/** The job's state once `status` is known. A finished job stays finished unless the new status itself finishes it. */
export function stateAfter(family: JobFamily, current: JobState, status: string): JobState {
  if (successes[family].has(status)) return 'succeeded';
  if (failures[family].has(status)) return 'failed';
  if (current === 'succeeded' || current === 'failed') return current;
  return 'active';
}

export function isOpen(state: JobState): boolean {
  return state === 'pending' || state === 'active';
}
