import type { LogLevel } from '../log/logger.ts';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  acceptUnknownStations: boolean;
  freeVend: boolean;
  heartbeatIntervalSeconds: number;
  bootRetrySeconds: number;
  keepaliveSeconds: number;
  callTimeoutSeconds: number;
  maxMessageBytes: number;
  messageLogMaxRows: number;
  logLevel: LogLevel;
  /** How chargers reach Ampyard over HTTP (firmware downloads, log uploads); empty: taken from the API request. */
  publicUrl: string;
  maxFirmwareBytes: number;
  maxUploadBytes: number;
  /** Port of the TLS listener (security profiles 2 and 3, also UI and API over https); 0: none. */
  tlsPort: number;
  /** Extra DNS names and IP addresses for the TLS server certificate, comma-separated (the host's own are always in it). */
  tlsNames: string;
  /** Stations without a configured security profile may connect without credentials (profile 0). */
  allowProfile0: boolean;
  /** PEM files of an operator-provided site CA (certificate and unencrypted private key); empty: Ampyard's own in <dataDir>/pki. */
  caCertFile: string;
  caKeyFile: string;
  /** The O of the site CA and of every station certificate; empty: the site CA's organization. */
  organizationName: string;
  stationCertificateDays: number;
  /** A station certificate this close to expiry makes Ampyard ask the station for a new CSR. */
  certificateRenewalDays: number;
  /** Failed websocket authentications allowed per address and per station id within 10 minutes. */
  authFailuresPerAddress: number;
  authFailuresPerStation: number;
  /** OCPP messages a station may send per minute (bursts up to this many); more and it is disconnected. */
  maxMessagesPerMinute: number;
  /** Daily database backups kept in <dataDir>/backups; 0: no scheduled backups. */
  backupKeep: number;
  /** Backups made on request (ampyard-manual-*.sqlite) kept; after each one the oldest beyond this are deleted. */
  manualBackupKeep: number;
  /** Attempts per webhook delivery (the first and its retries) before it is given up. */
  webhookAttempts: number;
  /** Wait before a webhook delivery's first retry; it doubles with each further retry, up to one hour. */
  webhookRetrySeconds: number;
  /** Seconds a webhook receiver has to answer one delivery. */
  webhookTimeoutSeconds: number;
  /** Undelivered deliveries kept per webhook; beyond that the oldest are dropped (and counted). */
  webhookQueueLimit: number;
}

type Kind = 'string' | 'optionalString' | 'port' | 'integer' | 'boolean' | 'logLevel' | 'url';

export interface Setting {
  key: keyof Config;
  flag: string;
  env: string;
  kind: Kind;
  min?: number;
  max?: number;
  help: string;
}

export const defaults: Config = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './ampyard-data',
  acceptUnknownStations: false,
  freeVend: false,
  heartbeatIntervalSeconds: 300,
  bootRetrySeconds: 30,
  keepaliveSeconds: 30,
  callTimeoutSeconds: 30,
  maxMessageBytes: 4 * 1024 * 1024,
  messageLogMaxRows: 200_000,
  logLevel: 'info',
  publicUrl: '',
  maxFirmwareBytes: 1024 * 1024 * 1024,
  maxUploadBytes: 256 * 1024 * 1024,
  tlsPort: 8443,
  tlsNames: '',
  allowProfile0: false,
  caCertFile: '',
  caKeyFile: '',
  organizationName: '',
  stationCertificateDays: 365,
  certificateRenewalDays: 30,
  authFailuresPerAddress: 20,
  authFailuresPerStation: 10,
  maxMessagesPerMinute: 3000,
  backupKeep: 7,
  manualBackupKeep: 10,
  webhookAttempts: 12,
  webhookRetrySeconds: 1,
  webhookTimeoutSeconds: 10,
  webhookQueueLimit: 10_000,
};

/** Every setting, with its command-line flag and environment variable; drives parsing and --help. */
export const settings: Setting[] = [
  { key: 'port', flag: '--port', env: 'AMPYARD_PORT', kind: 'port', help: 'port for the UI, the REST API and OCPP websockets' },
  { key: 'host', flag: '--host', env: 'AMPYARD_HOST', kind: 'string', help: 'address to listen on (0.0.0.0 = all interfaces)' },
  { key: 'dataDir', flag: '--data-dir', env: 'AMPYARD_DATA_DIR', kind: 'string', help: 'folder for the database and other data' },
  { key: 'acceptUnknownStations', flag: '--accept-unknown', env: 'AMPYARD_ACCEPT_UNKNOWN', kind: 'boolean', help: 'accept chargers that are not registered (installation mode) instead of holding them Pending' },
  { key: 'freeVend', flag: '--free-vend', env: 'AMPYARD_FREE_VEND', kind: 'boolean', help: 'let any id token charge (recorded); the default until changed in the settings' },
  { key: 'heartbeatIntervalSeconds', flag: '--heartbeat-interval', env: 'AMPYARD_HEARTBEAT_INTERVAL', kind: 'integer', min: 10, max: 86_400, help: 'heartbeat interval given to accepted chargers, in seconds' },
  { key: 'bootRetrySeconds', flag: '--boot-retry', env: 'AMPYARD_BOOT_RETRY', kind: 'integer', min: 1, max: 86_400, help: 'seconds a Pending/Rejected charger waits before booting again' },
  { key: 'keepaliveSeconds', flag: '--keepalive', env: 'AMPYARD_KEEPALIVE', kind: 'integer', min: 1, max: 3_600, help: 'websocket ping period; a silent charger is dropped after one to two periods' },
  { key: 'callTimeoutSeconds', flag: '--call-timeout', env: 'AMPYARD_CALL_TIMEOUT', kind: 'integer', min: 1, max: 600, help: 'seconds to wait for a charger to answer a command' },
  { key: 'maxMessageBytes', flag: '--max-message-bytes', env: 'AMPYARD_MAX_MESSAGE_BYTES', kind: 'integer', min: 65_536, max: 64 * 1024 * 1024, help: 'largest OCPP message accepted' },
  { key: 'messageLogMaxRows', flag: '--message-log-rows', env: 'AMPYARD_MESSAGE_LOG_ROWS', kind: 'integer', min: 1_000, max: 100_000_000, help: 'OCPP messages kept in the message log' },
  { key: 'logLevel', flag: '--log-level', env: 'AMPYARD_LOG_LEVEL', kind: 'logLevel', help: 'debug, info, warn, error or silent' },
  { key: 'publicUrl', flag: '--public-url', env: 'AMPYARD_PUBLIC_URL', kind: 'url', help: 'http(s) URL at which chargers reach this appliance, for firmware downloads and log uploads (empty: the address the API request used)' },
  { key: 'maxFirmwareBytes', flag: '--max-firmware-bytes', env: 'AMPYARD_MAX_FIRMWARE_BYTES', kind: 'integer', min: 1, max: 16 * 1024 * 1024 * 1024, help: 'largest firmware file accepted for upload' },
  { key: 'maxUploadBytes', flag: '--max-upload-bytes', env: 'AMPYARD_MAX_UPLOAD_BYTES', kind: 'integer', min: 1, max: 16 * 1024 * 1024 * 1024, help: 'largest diagnostics or log file a charger may upload' },
  { key: 'tlsPort', flag: '--tls-port', env: 'AMPYARD_TLS_PORT', kind: 'port', help: 'port for wss:// (security profiles 2 and 3) and https:// UI/API; 0 = no TLS listener' },
  { key: 'tlsNames', flag: '--tls-names', env: 'AMPYARD_TLS_NAMES', kind: 'optionalString', help: 'extra host names and IP addresses for the TLS certificate, comma-separated (this host\'s own are always included)' },
  { key: 'allowProfile0', flag: '--allow-profile0', env: 'AMPYARD_ALLOW_PROFILE0', kind: 'boolean', help: 'let chargers without a configured security profile connect without any credentials (lab use; insecure)' },
  { key: 'caCertFile', flag: '--ca-cert', env: 'AMPYARD_CA_CERT', kind: 'optionalString', help: 'PEM certificate of an existing CA to use as the site CA (with --ca-key); default: Ampyard creates one in <data-dir>/pki' },
  { key: 'caKeyFile', flag: '--ca-key', env: 'AMPYARD_CA_KEY', kind: 'optionalString', help: 'PEM private key (unencrypted) of the site CA given with --ca-cert' },
  { key: 'organizationName', flag: '--organization', env: 'AMPYARD_ORGANIZATION', kind: 'optionalString', help: 'organization (O) in the site CA and station certificates; chargers must put it in their CSRs (default: the site CA\'s)' },
  { key: 'stationCertificateDays', flag: '--station-cert-days', env: 'AMPYARD_STATION_CERT_DAYS', kind: 'integer', min: 7, max: 3650, help: 'validity of the certificates Ampyard issues to chargers, in days' },
  { key: 'certificateRenewalDays', flag: '--cert-renewal-days', env: 'AMPYARD_CERT_RENEWAL_DAYS', kind: 'integer', min: 1, max: 365, help: 'ask a charger for a new CSR this many days before its certificate expires' },
  { key: 'authFailuresPerAddress', flag: '--auth-failures-per-address', env: 'AMPYARD_AUTH_FAILURES_PER_ADDRESS', kind: 'integer', min: 1, max: 100_000, help: 'failed charger authentications from one address within 10 minutes before it is refused (HTTP 429)' },
  { key: 'authFailuresPerStation', flag: '--auth-failures-per-station', env: 'AMPYARD_AUTH_FAILURES_PER_STATION', kind: 'integer', min: 1, max: 100_000, help: 'failed authentications for one station id within 10 minutes before other addresses are refused for it' },
  { key: 'maxMessagesPerMinute', flag: '--max-messages-per-minute', env: 'AMPYARD_MAX_MESSAGES_PER_MINUTE', kind: 'integer', min: 60, max: 1_000_000, help: 'OCPP messages one charger may send per minute; a charger sending more is disconnected and logged' },
  { key: 'backupKeep', flag: '--backup-keep', env: 'AMPYARD_BACKUP_KEEP', kind: 'integer', min: 0, max: 3650, help: 'daily database backups kept in <data-dir>/backups (0 = no daily backup)' },
  { key: 'manualBackupKeep', flag: '--manual-backup-keep', env: 'AMPYARD_MANUAL_BACKUP_KEEP', kind: 'integer', min: 1, max: 3650, help: 'backups made on request ("back up now") kept in <data-dir>/backups; the oldest beyond this are deleted after each new one' },
  { key: 'webhookAttempts', flag: '--webhook-attempts', env: 'AMPYARD_WEBHOOK_ATTEMPTS', kind: 'integer', min: 1, max: 100, help: 'attempts per webhook delivery before it is given up (retries back off exponentially)' },
  { key: 'webhookRetrySeconds', flag: '--webhook-retry', env: 'AMPYARD_WEBHOOK_RETRY', kind: 'integer', min: 1, max: 3_600, help: 'seconds before a webhook delivery\'s first retry; doubled for each further retry, at most one hour' },
  { key: 'webhookTimeoutSeconds', flag: '--webhook-timeout', env: 'AMPYARD_WEBHOOK_TIMEOUT', kind: 'integer', min: 1, max: 300, help: 'seconds a webhook receiver has to answer' },
  { key: 'webhookQueueLimit', flag: '--webhook-queue-limit', env: 'AMPYARD_WEBHOOK_QUEUE_LIMIT', kind: 'integer', min: 10, max: 1_000_000, help: 'undelivered webhook deliveries kept per webhook; the oldest are dropped beyond this' },
];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Converts and checks one raw value; `source` names where it came from, for the error message. */
export function coerce(setting: Setting, raw: unknown, source: string): Config[keyof Config] {
  const bad = (expected: string) => new ConfigError(`${source}: ${JSON.stringify(raw)} is not ${expected}`);
  switch (setting.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw.trim() === '') throw bad('a non-empty string');
      return raw;
    case 'optionalString':
      if (typeof raw !== 'string') throw bad('a string');
      return raw.trim();
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      throw bad('true or false');
    case 'url': {
      if (typeof raw !== 'string') throw bad('an http:// or https:// URL');
      if (raw.trim() === '') return '';
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        throw bad('an http:// or https:// URL');
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) throw bad('an http:// or https:// URL without query');
      return url.href.replace(/\/+$/, '');
    }
    case 'logLevel':
      if (raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error' || raw === 'silent') return raw;
      throw bad('one of debug, info, warn, error, silent');
    case 'port':
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      const [min, max] = setting.kind === 'port' ? [0, 65_535] : [setting.min ?? 0, setting.max ?? Number.MAX_SAFE_INTEGER];
      if (!Number.isInteger(n) || n < min || n > max) throw bad(`a whole number from ${min} to ${max}`);
      return n;
    }
  }
}
