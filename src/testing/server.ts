import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppliance, type Appliance } from '../app/appliance.ts';
import type { Clock } from '../balancer/clock.ts';
import { defaults, type Config } from '../config/config.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { setDefaultHeaders, withDefaultHeaders } from './raw-client.ts';

export interface TestServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  config: Config;
  appliance: Appliance;
  /** An admin API token (empty with `firstRun`); getJson/postJson and `api` send it unless told otherwise. */
  token: string;
  /** The admin the token belongs to, with a password for signing in through the login page. */
  admin: { username: string; password: string };
  wsUrl(stationId: string): string;
  /** fetch of `/api/v1<path>` as the admin (the call's own headers win). */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** No users yet: the appliance waits for first-run setup, and requests are sent without a token. */
  firstRun?: boolean;
  log?: Logger;
  /** The load-management driver's time (the site simulator's); real time by default. */
  clock?: Clock;
}

/**
 * The real appliance, in-process, on 127.0.0.1 and a free port, with a fresh data folder (real SQLite file).
 * Unless `firstRun`, an admin user and API token are created the way `ampyard users add` and
 * `ampyard tokens create` do, and registered as the default headers of the raw-client helpers.
 */
export async function startTestServer(overrides: Partial<Config> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'ampyard-test-'));
  // Tests connect stations without credentials unless they test security (allowProfile0: false, and tlsPort -1: any free port).
  const config: Config = { ...defaults, host: '127.0.0.1', port: 0, logLevel: 'silent', allowProfile0: true, tlsPort: 0, ...overrides, dataDir };
  const log = options.log ?? createLogger(process.env['AMPYARD_TEST_LOG'] ? 'debug' : config.logLevel);
  const appliance = await startAppliance(config, log, options.clock ? { clock: options.clock } : {});
  const baseUrl = `http://127.0.0.1:${appliance.port}`;
  const admin = { username: 'test-admin', password: randomBytes(12).toString('base64url') };
  let token = '';
  if (!options.firstRun) {
    const { users, tokens } = appliance.services.auth;
    const existing = users.byUsername(admin.username); // a restart on the same data folder
    const user = existing ? await users.update(existing.id, { password: admin.password }) : await users.create({ ...admin, role: 'admin' });
    token = (await tokens.create(user.id, 'tests')).secret;
    setDefaultHeaders(baseUrl, { authorization: `Bearer ${token}` });
  }
  return {
    baseUrl,
    port: appliance.port,
    dataDir,
    config,
    appliance,
    token,
    admin,
    wsUrl: (stationId) => `ws://127.0.0.1:${appliance.port}/ocpp/${encodeURIComponent(stationId)}`,
    api: (path, init) => fetch(`${baseUrl}/api/v1${path}`, withDefaultHeaders(baseUrl, init)),
    async stop() {
      setDefaultHeaders(baseUrl, undefined);
      await appliance.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
