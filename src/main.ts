import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { ListenError, startAppliance } from './app/appliance.ts';
import { PkiError } from './pki/site-pki.ts';
import { helpText, parseCommandLine } from './config/cli.ts';
import { ConfigError, type Config } from './config/config.ts';
import { createLogger } from './log/logger.ts';
import { appVersion } from './platform/version.ts';
import { subcommands } from './cli/subcommands.ts';
import { announceSetupCode } from './auth/setup-console.ts';
import { DatabaseOpenError } from './storage/database.ts';

function fail(message: string, exitCode: number): never {
  process.stderr.write(`ampyard: ${message}\n`);
  process.exit(exitCode);
}

function hostsToShow(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4')
    .map((a) => a!.address);
  return addresses.length ? addresses : ['127.0.0.1'];
}

function explainStartError(error: Error, config: Config): string {
  if (error instanceof ListenError || error instanceof DatabaseOpenError || error instanceof PkiError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
    return `cannot write to the data directory ${resolve(config.dataDir)} (${code}); choose a writable one with --data-dir`;
  }
  if (code === 'ENOSPC') return `the disk holding ${resolve(config.dataDir)} is full; free space or choose another --data-dir`;
  return error.stack ?? error.message;
}

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env, Object.keys(subcommands));
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText(appVersion(), Object.entries(subcommands)) + '\n');
    return;
  }
  if (command.kind === 'tool') {
    const tool = subcommands[command.name]!;
    let code: number;
    try {
      code = await tool.run(command.args, command.config, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
    } catch (error) {
      fail(error instanceof ConfigError || error instanceof DatabaseOpenError ? error.message : ((error as Error).stack ?? String(error)), 1);
    }
    process.exit(code);
  }
  if (command.kind === 'version') {
    process.stdout.write(appVersion() + '\n');
    return;
  }
  const config = command.config;
  const started = performance.now();
  const log = createLogger(config.logLevel);
  let appliance;
  try {
    appliance = await startAppliance(config, log);
  } catch (error) {
    fail(explainStartError(error as Error, config), 1);
  }
  const hosts = hostsToShow(config.host);
  const lines = [
    `Ampyard ${appVersion()} ready in ${Math.round(performance.now() - started)} ms`,
    `  Admin UI and API:  ${hosts.map((h) => `http://${h}:${appliance.port}/`).join('  ')}`,
    `  OCPP endpoint:     ${hosts.map((h) => `ws://${h}:${appliance.port}/ocpp/<station-id>`).join('  ')}`,
    ...(appliance.tlsPort === null
      ? ['  OCPP over TLS:     off (--tls-port 0)']
      : [
          `  OCPP over TLS:     ${hosts.map((h) => `wss://${h}:${appliance.tlsPort}/ocpp/<station-id>`).join('  ')}`,
          `  Site CA for chargers: http://${hosts[0]}:${appliance.port}/pki/ca.pem (SHA-256 ${appliance.services.pki.caSummary().fingerprintSha256})`,
        ]),
    appliance.services.security.allowProfile0
      ? '  Chargers may connect WITHOUT credentials (--allow-profile0).'
      : '  Chargers authenticate: a password (Basic auth) or a site-CA client certificate.',
    `  Data:              ${resolve(config.dataDir)}`,
    appliance.services.siteSettings.get().acceptUnknownStations ? '  Unknown chargers are accepted (installation mode).' : '  Unknown chargers wait for approval in the UI.',
  ];

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => fail('shutdown took too long; exiting', 1), 10_000);
    force.unref();
    appliance.close().then(
      () => process.exit(0),
      (error: Error) => fail(`error during shutdown: ${error.message}`, 1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Only now: a supervisor may send SIGTERM as soon as it reads "ready", and it must get a clean shutdown.
  process.stdout.write(lines.join('\n') + '\n');
  announceSetupCode(appliance.services.auth.setup, `http://${hosts[0]}:${appliance.port}/`, (text) => process.stdout.write(text));
}

main().catch((error: Error) => fail(error.stack ?? error.message, 1));
