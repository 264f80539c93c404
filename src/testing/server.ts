import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppliance, type Appliance } from '../app/appliance.ts';
import { defaults, type Config } from '../config/config.ts';
import { createLogger } from '../log/logger.ts';

export interface TestServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  config: Config;
  appliance: Appliance;
  wsUrl(stationId: string): string;
  stop(): Promise<void>;
}

/** The real appliance, in-process, on 127.0.0.1 and a free port, with a fresh data folder (real SQLite file). */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'ampyard-test-'));
  const config: Config = { ...defaults, host: '127.0.0.1', port: 0, logLevel: 'silent', ...overrides, dataDir };
  const appliance = await startAppliance(config, createLogger(process.env['AMPYARD_TEST_LOG'] ? 'debug' : config.logLevel));
  const baseUrl = `http://127.0.0.1:${appliance.port}`;
  return {
    baseUrl,
    port: appliance.port,
    dataDir,
    config,
    appliance,
    wsUrl: (stationId) => `ws://127.0.0.1:${appliance.port}/ocpp/${encodeURIComponent(stationId)}`,
    async stop() {
      await appliance.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
