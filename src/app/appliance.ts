import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createHttpApp } from '../api/app.ts';
import type { Config } from '../config/config.ts';
import { EventBus } from '../domain/events.ts';
import { StationService } from '../domain/station-service.ts';
import type { Logger } from '../log/logger.ts';
import { CommandRunner } from '../commands/runner.ts';
import { allCommands } from '../commands/index.ts';
import { DataTransferService } from '../domain/data-transfer.ts';
import { IdTokenService } from '../domain/id-tokens.ts';
import { RemoteStartTracker } from '../domain/remote-starts.ts';
import { SiteSettingsService } from '../domain/site-settings.ts';
import { StationConfiguration } from '../domain/station-configuration.ts';
import { TransactionService } from '../domain/transactions.ts';
import { StationWarnings } from '../domain/warnings.ts';
import { StationLink } from '../ocpp/station-link.ts';
import { IdTokensRepo } from '../storage/id-tokens-repo.ts';
import { SettingsRepo } from '../storage/settings-repo.ts';
import { TransactionsRepo } from '../storage/transactions-repo.ts';
import { WarningsRepo } from '../storage/warnings-repo.ts';
import type { Services } from './services.ts';
import { SchemaRegistry } from '../ocpp/rpc/schemas.ts';
import { SessionRegistry } from '../ocpp/sessions.ts';
import { OcppServer } from '../ocpp/transport/ws-server.ts';
import { v16Handlers } from '../ocpp/v16/handlers.ts';
import { v2Handlers } from '../ocpp/v2/handlers.ts';
import { appVersion } from '../platform/version.ts';
import { openDatabase, type Db } from '../storage/database.ts';
import { MessageLog } from '../storage/message-log.ts';
import { StationsRepo } from '../storage/stations-repo.ts';
import { WriteQueue } from '../storage/write-queue.ts';

export interface Appliance {
  config: Config;
  port: number;
  services: Services;
  close(): Promise<void>;
}

export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is already in use; stop the other program or choose another port with --port`));
      else if (error.code === 'EACCES') reject(new ListenError(`not allowed to listen on port ${port}; use a port above 1023 or run with the needed privilege`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new ListenError(`address ${host} is not on this machine; choose another with --host`));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Builds every service over one database; nothing listens yet. */
function buildServices(config: Config, db: Db, log: Logger, startedAt: Date): Services {
  const writes = new WriteQueue(db);
  const events = new EventBus();
  const sessions = new SessionRegistry();
  const link = new StationLink(sessions);
  const warnings = new StationWarnings(new WarningsRepo(db), writes, events);
  const siteSettings = new SiteSettingsService(new SettingsRepo(db), writes, { freeVend: config.freeVend, remoteStartTimeoutSeconds: 120 });
  const services: Omit<Services, 'commands'> & { commands?: CommandRunner } = {
    db,
    writes,
    events,
    log,
    version: appVersion(),
    startedAt,
    sessions,
    link,
    stations: new StationService(new StationsRepo(db), writes, events, { acceptUnknownStations: config.acceptUnknownStations }, log),
    transactions: new TransactionService(new TransactionsRepo(db), writes, events, log),
    idTokens: new IdTokenService(new IdTokensRepo(db), writes, () => siteSettings.get().freeVend),
    warnings,
    remoteStarts: new RemoteStartTracker((start) =>
      warnings.add(start.stationId, 'remote-start-expired', `remote start for ${start.idToken} accepted at ${start.requestedAt} but no session began`),
    ),
    siteSettings,
    dataTransfers: new DataTransferService(db, writes),
    configuration: new StationConfiguration(db, writes),
    messageLog: new MessageLog(db, config.messageLogMaxRows),
  };
  services.commands = new CommandRunner(services.stations, link, allCommands(services as Services));
  return services as Services;
}

/** Starts everything on one port: admin UI, REST API and the OCPP websocket server. */
export async function startAppliance(config: Config, log: Logger): Promise<Appliance> {
  const startedAt = new Date();
  const db: Db = openDatabase(config.dataDir);
  const services = buildServices(config, db, log, startedAt);
  const { stations, writes, messageLog } = services;
  const ocpp = new OcppServer({
    schemas: new SchemaRegistry(),
    sessions: services.sessions,
    services,
    handlers: (version) => (version === '1.6' ? v16Handlers : v2Handlers),
    settings: { heartbeatIntervalSeconds: config.heartbeatIntervalSeconds, bootRetrySeconds: config.bootRetrySeconds },
    callTimeoutMs: config.callTimeoutSeconds * 1000,
    keepaliveMs: config.keepaliveSeconds * 1000,
    maxMessageBytes: config.maxMessageBytes,
    log,
  });
  const app = createHttpApp(services);
  const server = createServer(getRequestListener(app.fetch));
  server.on('upgrade', (request, socket, head) => ocpp.handleUpgrade(request, socket, head));
  const flushTimer = setInterval(() => stations.flushLastSeen(), 10_000);
  flushTimer.unref();

  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    clearInterval(flushTimer);
    await ocpp.close();
    db.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      await ocpp.close();
      server.closeAllConnections();
      clearInterval(flushTimer);
      await new Promise((resolve) => setImmediate(resolve));
      stations.flushLastSeen();
      writes.flush();
      messageLog.flush();
      db.close();
    })());

  return { config, port: (server.address() as AddressInfo).port, services, close };
}
