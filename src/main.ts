import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { ListenError, startAppliance } from './app/appliance.ts';
import { helpText, parseCommandLine } from './config/cli.ts';
import { ConfigError, type Config } from './config/config.ts';
import { createLogger } from './log/logger.ts';
import { appVersion } from './platform/version.ts';
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
  if (error instanceof ListenError || error instanceof DatabaseOpenError) return error.message;
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
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(helpText(appVersion()) + '\n');
    return;
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
    `  Data:              ${resolve(config.dataDir)}`,
    config.acceptUnknownStations ? '  Unknown chargers are accepted (installation mode).' : '  Unknown chargers wait for approval in the UI.',
  ];
  process.stdout.write(lines.join('\n') + '\n');

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
}

main().catch((error: Error) => fail(error.stack ?? error.message, 1));
