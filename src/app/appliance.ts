import type { Server } from 'node:net';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { StationCertificateAuthority } from '../domain/station-ca.ts';
import { StationSecurity } from '../domain/station-security.ts';
import { HandshakeLimiter } from '../ocpp/transport/handshake-limiter.ts';
import { SitePki } from '../pki/site-pki.ts';
import { IssuedCertificatesRepo } from '../storage/issued-certificates-repo.ts';
import { StationSecurityRepo } from '../storage/station-security-repo.ts';
import { deferLogs } from '../log/deferred.ts';
import { startListeners, type Listeners } from './listeners.ts';
import { startSecurityUpkeep } from './security-upkeep.ts';
import { createHttpApp } from '../api/app.ts';
import type { Config } from '../config/config.ts';
import { EventBus } from '../domain/events.ts';
import { StationService } from '../domain/station-service.ts';
import type { Logger } from '../log/logger.ts';
import { CommandRunner } from '../commands/runner.ts';
import { allCommands } from '../commands/index.ts';
import { reapplyProfilesOnBoot } from '../commands/smart-charging.ts';
import { startAutoStarts } from '../commands/auto-start.ts';
import { startCostUpdates } from '../commands/tariffs.ts';
import { CustomerInformationService } from '../domain/customer-information.ts';
import { DisplayMessageService } from '../domain/display-messages.ts';
import { MonitoringService } from '../domain/monitoring.ts';
import { Ocpp21MessageLog } from '../domain/ocpp21-messages.ts';
import { StationEventLog } from '../domain/station-events.ts';
import { TariffService } from '../domain/tariffs.ts';
import { CustomerInformationRepo } from '../storage/customer-information-repo.ts';
import { DisplayMessagesRepo } from '../storage/display-messages-repo.ts';
import { MonitorsRepo } from '../storage/monitors-repo.ts';
import { Ocpp21MessagesRepo } from '../storage/ocpp21-messages-repo.ts';
import { ReportRequestsRepo } from '../storage/report-requests-repo.ts';
import { StationEventsRepo } from '../storage/station-events-repo.ts';
import { TariffsRepo } from '../storage/tariffs-repo.ts';
import { LiveFigures } from '../storage/live-figures.ts';
import { MeterValuesThread } from '../storage/meter-values/meter-values-client.ts';
import { meterValuesFile } from '../storage/meter-values/meter-values-file.ts';
import { ChargingProfileService } from '../domain/charging-profiles.ts';
import { ChargingLimitService } from '../domain/charging-limits.ts';
import { ChargingProfileReports } from '../domain/charging-profile-reports.ts';
import { EvChargingService } from '../domain/ev-charging.ts';
import { Iso15118Certificates } from '../domain/iso15118.ts';
import { ChargingLimitsRepo } from '../storage/charging-limits-repo.ts';
import { ChargingProfileReportsRepo } from '../storage/charging-profile-reports-repo.ts';
import { EvChargingRepo } from '../storage/ev-charging-repo.ts';
import { Iso15118RequestsRepo } from '../storage/iso15118-requests-repo.ts';
import { LocalListService } from '../domain/local-list.ts';
import { ReservationService } from '../domain/reservations.ts';
import { ChargingProfilesRepo } from '../storage/charging-profiles-repo.ts';
import { LocalListRepo } from '../storage/local-list-repo.ts';
import { ReservationsRepo } from '../storage/reservations-repo.ts';
import { DataTransferService } from '../domain/data-transfer.ts';
import { DeviceModelService } from '../domain/device-model.ts';
import { FirmwareLibrary } from '../domain/firmware-library.ts';
import { StationJobs } from '../domain/station-jobs.ts';
import { StationCertificates } from '../domain/certificates.ts';
import { SecurityEventLog } from '../domain/security-events.ts';
import { IdTokenService } from '../domain/id-tokens.ts';
import { RemoteStartTracker } from '../domain/remote-starts.ts';
import { SiteSettingsService } from '../domain/site-settings.ts';
import { StationConfiguration } from '../domain/station-configuration.ts';
import { TransactionService } from '../domain/transactions.ts';
import { StationWarnings } from '../domain/warnings.ts';
import { StationLink } from '../ocpp/station-link.ts';
import { IdTokensRepo } from '../storage/id-tokens-repo.ts';
import { FirmwareRepo } from '../storage/firmware-repo.ts';
import { StationJobsRepo } from '../storage/station-jobs-repo.ts';
import { CertificatesRepo } from '../storage/certificates-repo.ts';
import { SecurityEventsRepo } from '../storage/security-events-repo.ts';
import { SettingsRepo } from '../storage/settings-repo.ts';
import { TransactionsRepo } from '../storage/transactions-repo.ts';
import { WarningsRepo } from '../storage/warnings-repo.ts';
import type { Services } from './services.ts';
import { createAuth } from '../auth/auth.ts';
import { SchemaRegistry } from '../ocpp/rpc/schemas.ts';
import { SessionRegistry } from '../ocpp/sessions.ts';
import { OcppServer } from '../ocpp/transport/ws-server.ts';
import { v16Handlers } from '../ocpp/v16/handlers.ts';
import { v2Handlers } from '../ocpp/v2/handlers.ts';
import { appVersion } from '../platform/version.ts';
import { DatabaseOpenError, openDatabase, type Db } from '../storage/database.ts';
import { MessageLog, MESSAGE_LOG_FILE } from '../storage/message-log.ts';
import { StorageWorker } from '../storage/worker/storage-worker-client.ts';
import { StationsRepo } from '../storage/stations-repo.ts';
import { WriteQueue } from '../storage/write-queue.ts';
import { DailyBackups } from '../storage/daily-backups.ts';
import { BackupCatalog } from '../storage/backup-catalog.ts';
import { IdTokenGroupService } from '../domain/id-token-groups.ts';
import { IdTokenGroupsRepo } from '../storage/id-token-groups-repo.ts';
import { ExportService } from '../domain/exports.ts';
import { WebhookService } from '../domain/webhooks.ts';
import { Metrics } from '../metrics/metrics.ts';
import { ExportsRepo } from '../storage/exports-repo.ts';
import { WebhooksRepo } from '../storage/webhooks-repo.ts';
import { lockDataDir, type DataDirLock } from '../storage/data-dir-lock.ts';
import { Balancer } from '../balancer/balancer.ts';
import { SitePowerRecorder } from '../balancer/power/site-power-recorder.ts';
import { SitePowerRepo } from '../storage/site-power-repo.ts';
import type { Clock } from '../balancer/clock.ts';
import { SiteModelService } from '../balancer/site/site-service.ts';
import { SiteRepo } from '../storage/site-repo.ts';
import { GATE_BYTES } from '../storage/meter-values/checkpoint-gate.ts';

export interface Appliance {
  config: Config;
  port: number;
  /** The TLS listener's port; null when it is off. */
  tlsPort: number | null;
  services: Services;
  /** The daily database backups into <dataDir>/backups. */
  backups: DailyBackups;
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
function buildServices(config: Config, db: Db, log: Logger, startedAt: Date, pki: SitePki, options: ApplianceOptions = {}): Services {
  const threadFiles = {
    databaseFile: db.name,
    messageLogFile: join(config.dataDir, MESSAGE_LOG_FILE),
    messageLogMaxRows: config.messageLogMaxRows,
    meterValuesFile: meterValuesFile(config.dataDir),
    meterCheckpointGate: new SharedArrayBuffer(GATE_BYTES),
  };
  const storageWorker = new StorageWorker(threadFiles, (problem) => log.warn(`storage worker: ${problem}`));
  // Meter values (most of what chargers send) are stored by a thread of their own, in a file of their own.
  const meterValues = new MeterValuesThread(threadFiles, (problem) => log.warn(problem));
  // Checkpoints run in the storage worker, so that no COMMIT on the event loop copies the WAL or waits for an fsync.
  const liveFigures = new LiveFigures();
  const writes = new WriteQueue(db, { checkpointer: { run: () => storageWorker.checkpoint(), everyMs: 1000 } });
  meterValues.onStored((failure) => writes.reportStorage(failure?.problem));
  const metrics = new Metrics();
  writes.onBatch(metrics.writeBatch);
  const events = new EventBus();
  const sessions = new SessionRegistry();
  const link = new StationLink(sessions);
  const warnings = new StationWarnings(new WarningsRepo(db), writes, events);
  const siteSettings = new SiteSettingsService(new SettingsRepo(db), writes, {
    freeVend: config.freeVend,
    remoteStartTimeoutSeconds: 120,
    acceptUnknownStations: config.acceptUnknownStations,
    siteName: '',
    gridLimitA: null,
  });
  const stationJobsRepo = new StationJobsRepo(db);
  const monitorsRepo = new MonitorsRepo(db);
  const reportRequests = new ReportRequestsRepo(db);
  const securityEvents = new SecurityEventLog(new SecurityEventsRepo(db), writes, events, log);
  const certificates = new StationCertificates(new CertificatesRepo(db), writes, events);
  const issuedCertificates = new IssuedCertificatesRepo(db);
  const security = new StationSecurity(new StationSecurityRepo(db), issuedCertificates, writes, securityEvents, { allowProfile0: config.allowProfile0 }, log);
  const services: Omit<Services, 'commands' | 'balancer' | 'sitePower'> & { commands?: CommandRunner; balancer?: Balancer; sitePower?: SitePowerRecorder } = {
    db,
    writes,
    events,
    log,
    version: appVersion(),
    startedAt,
    ...(options.clock ? { clock: options.clock } : {}),
    dataDir: config.dataDir,
    backups: new BackupCatalog(db, config.dataDir, () => writes.flush(), { keepManual: config.manualBackupKeep, log }),
    sessions,
    link,
    stations: new StationService(new StationsRepo(db), writes, events, { acceptUnknownStations: () => siteSettings.get().acceptUnknownStations }, log),
    transactions: new TransactionService(new TransactionsRepo(db, liveFigures), writes, events, log, (stationId, evseId, transactionId, samples) =>
      meterValues.storeSamples(stationId, evseId, transactionId, samples)),
    idTokens: new IdTokenService(new IdTokensRepo(db), writes, () => siteSettings.get().freeVend),
    idTokenGroups: new IdTokenGroupService(new IdTokenGroupsRepo(db), writes),
    warnings,
    remoteStarts: new RemoteStartTracker((start) =>
      warnings.add(start.stationId, 'remote-start-expired', `remote start for ${start.idToken} accepted at ${start.requestedAt} but no session began`),
    ),
    siteSettings,
    dataTransfers: new DataTransferService(db, writes),
    configuration: new StationConfiguration(db, writes),
    deviceModel: new DeviceModelService(db, writes),
    securityEvents,
    certificates,
    pki,
    security,
    stationCa: new StationCertificateAuthority(
      { pki, repo: issuedCertificates, certificates, security, securityEvents, sessions, writes, log, commands: () => services.commands! },
      { certificateDays: config.stationCertificateDays, renewalDays: config.certificateRenewalDays },
    ),
    firmware: new FirmwareLibrary(new FirmwareRepo(db), stationJobsRepo, writes, events, { dir: join(config.dataDir, 'firmware'), maxBytes: config.maxFirmwareBytes }),
    stationJobs: new StationJobs(stationJobsRepo, writes, events, log, {
      uploadsDir: join(config.dataDir, 'uploads'),
      maxUploadBytes: config.maxUploadBytes,
      publicUrl: config.publicUrl,
    }),
    localList: new LocalListService(new LocalListRepo(db), writes, events),
    reservations: new ReservationService(new ReservationsRepo(db), writes, events, log),
    chargingProfiles: new ChargingProfileService(new ChargingProfilesRepo(db), writes, events),
    chargingProfileReports: new ChargingProfileReports(new ChargingProfileReportsRepo(db), writes),
    chargingLimits: new ChargingLimitService(new ChargingLimitsRepo(db), writes, events),
    evCharging: new EvChargingService(new EvChargingRepo(db), writes, events),
    iso15118: new Iso15118Certificates(new Iso15118RequestsRepo(db), writes, log),
    stationEvents: new StationEventLog(new StationEventsRepo(db), monitorsRepo, writes, events),
    monitoring: new MonitoringService(monitorsRepo, reportRequests, writes),
    customerInformation: new CustomerInformationService(new CustomerInformationRepo(db), reportRequests, writes),
    displayMessages: new DisplayMessageService(new DisplayMessagesRepo(db), reportRequests, writes),
    tariffs: new TariffService(new TariffsRepo(db), new SettingsRepo(db), writes, (id) => services.transactions.meterSeries(id)),
    ocpp21Messages: new Ocpp21MessageLog(new Ocpp21MessagesRepo(db), writes, log),
    messageLog: new MessageLog(storageWorker),
    storageWorker,
    meterValues,
    auth: createAuth(db, writes, siteSettings, log),
    webhooks: new WebhookService(new WebhooksRepo(db), writes, events, log, {
      attempts: config.webhookAttempts,
      retryBaseMs: config.webhookRetrySeconds * 1000,
      timeoutMs: config.webhookTimeoutSeconds * 1000,
      queueLimit: config.webhookQueueLimit,
      userAgent: `Ampyard-Webhooks/${appVersion()}`,
    }),
    exports: new ExportService(new ExportsRepo(db)),
    metrics,
  };
  services.commands = new CommandRunner(services.stations, link, allCommands(services as Services));
  reapplyProfilesOnBoot(services as Services);
  services.balancer = new Balancer(services as Services, new SiteModelService(new SiteRepo(db), writes, (id) => services.stations.get(id) !== undefined));
  services.balancer.start();
  services.sitePower = new SitePowerRecorder(services as Services, new SitePowerRepo(db, liveFigures));
  services.sitePower.start();
  startCostUpdates(services as Services);
  startAutoStarts(services as Services);
  return services as Services;
}

/** `clock`: the load-management driver's time (a simulator's; real time by default). */
export interface ApplianceOptions {
  clock?: Clock;
}

/** Starts everything on one port: admin UI, REST API and the OCPP websocket server. */
export async function startAppliance(config: Config, log: Logger, options: ApplianceOptions = {}): Promise<Appliance> {
  // Before anything touches the data directory: one appliance per data directory.
  const lock = lockDataDir(config.dataDir);
  try {
    return await startLocked(config, log, lock, options);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(config: Config, log: Logger, lock: DataDirLock, options: ApplianceOptions): Promise<Appliance> {
  const startedAt = new Date();
  const db: Db = openDatabase(config.dataDir, {
    onUpgrade: (from, pending) =>
      log.info('upgrading the database; on a large database this can take several minutes, let it finish', { from, to: pending.at(-1), migrations: pending.join(',') }),
    onMeterValuesMoved: (rows) => log.info('moved the stored meter values into their own database file', { rows, file: meterValuesFile(config.dataDir) }),
    onMeterValuesReindex: (rows) => log.info('upgrading the meter-value index (once); on a large database this can take minutes, let it finish', { rows }),
  });
  const pkiLog = deferLogs(log);
  let pki: SitePki;
  try {
    pki = await SitePki.open({
      dir: join(config.dataDir, 'pki'),
      caCertFile: config.caCertFile,
      caKeyFile: config.caKeyFile,
      organizationName: config.organizationName,
      tlsNames: config.tlsNames,
      log: pkiLog.log,
    });
    if (config.tlsPort !== 0) await pki.ensureServerCertificate();
  } catch (error) {
    db.close();
    throw error;
  }
  const services = buildServices(config, db, log, startedAt, pki, options);
  try {
    await Promise.all([services.storageWorker.ready, services.meterValues.ready]);
  } catch (error) {
    services.balancer.stop();
    services.sitePower.stop();
    services.metrics.close();
    db.close();
    throw new DatabaseOpenError(`cannot open the meter-value and message-log files in ${resolve(config.dataDir)}: ${(error as Error).message}`);
  }
  let listeners: Listeners | undefined;
  const { stations, writes, messageLog } = services;
  writes.onHealthChange((health) =>
    health.ok
      ? log.info('storage: writes succeed again; chargers\' messages are acknowledged again')
      : log.error(`storage: ${health.message}; chargers' messages are refused (not acknowledged) until this is fixed`, { dataDir: resolve(config.dataDir) }),
  );
  const backups = new DailyBackups(db, log, { dataDir: config.dataDir, keep: config.backupKeep });
  const ocpp = new OcppServer({
    schemas: new SchemaRegistry(),
    sessions: services.sessions,
    services,
    handlers: (version) => (version === '1.6' ? v16Handlers : v2Handlers),
    settings: { heartbeatIntervalSeconds: config.heartbeatIntervalSeconds, bootRetrySeconds: config.bootRetrySeconds },
    callTimeoutMs: config.callTimeoutSeconds * 1000,
    keepaliveMs: config.keepaliveSeconds * 1000,
    maxMessageBytes: config.maxMessageBytes,
    maxMessagesPerMinute: config.maxMessagesPerMinute,
    limiter: new HandshakeLimiter({ perAddress: config.authFailuresPerAddress, perStation: config.authFailuresPerStation }),
    remoteAddressOf: (request) => (listeners ? listeners.remoteAddressOf(request) : (request.socket.remoteAddress ?? null)),
    log,
  });
  const app = createHttpApp(services);
  const flushTimer = setInterval(() => stations.flushLastSeen(250), 10_000);
  flushTimer.unref();

  try {
    listeners = await startListeners({
      config,
      pki,
      handler: getRequestListener(app.fetch),
      onUpgrade: (request, socket, head) => ocpp.handleUpgrade(request, socket, head),
      listen,
      log,
    });
  } catch (error) {
    clearInterval(flushTimer);
    await ocpp.close();
    services.metrics.close();
    db.close();
    throw error;
  }

  const server = listeners!;
  pkiLog.release();
  services.security.endpoints = { port: server.port, tlsPort: server.tlsPort };
  const stopSecurityUpkeep = startSecurityUpkeep(services, server);
  backups.start();
  services.webhooks.start();
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      await ocpp.close();
      server.closeAllConnections();
      clearInterval(flushTimer);
      stopSecurityUpkeep();
      services.reservations.stop();
      services.webhooks.stop();
      services.balancer.stop();
      services.sitePower.stop();
      services.metrics.close();
      await new Promise((resolve) => setImmediate(resolve));
      stations.flushLastSeen();
      writes.close();
      await services.meterValues.close();
      await messageLog.close();
      await backups.stop();
      db.close();
      lock.release();
    })());

  return { config, port: server.port, tlsPort: server.tlsPort, services, backups, close };
}
