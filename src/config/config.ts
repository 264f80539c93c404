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
}

type Kind = 'string' | 'port' | 'integer' | 'boolean' | 'logLevel';

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
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      throw bad('true or false');
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
