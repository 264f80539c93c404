import type { Auth } from '../auth/auth.ts';
import type { CommandRunner } from '../commands/runner.ts';
import type { CustomerInformationService } from '../domain/customer-information.ts';
import type { DisplayMessageService } from '../domain/display-messages.ts';
import type { MonitoringService } from '../domain/monitoring.ts';
import type { Ocpp21MessageLog } from '../domain/ocpp21-messages.ts';
import type { StationEventLog } from '../domain/station-events.ts';
import type { TariffService } from '../domain/tariffs.ts';
import type { ChargingProfileService } from '../domain/charging-profiles.ts';
import type { ChargingLimitService } from '../domain/charging-limits.ts';
import type { ChargingProfileReports } from '../domain/charging-profile-reports.ts';
import type { EvChargingService } from '../domain/ev-charging.ts';
import type { Iso15118Certificates } from '../domain/iso15118.ts';
import type { LocalListService } from '../domain/local-list.ts';
import type { ReservationService } from '../domain/reservations.ts';
import type { StationCertificates } from '../domain/certificates.ts';
import type { DataTransferService } from '../domain/data-transfer.ts';
import type { DeviceModelService } from '../domain/device-model.ts';
import type { EventBus } from '../domain/events.ts';
import type { FirmwareLibrary } from '../domain/firmware-library.ts';
import type { IdTokenService } from '../domain/id-tokens.ts';
import type { RemoteStartTracker } from '../domain/remote-starts.ts';
import type { SecurityEventLog } from '../domain/security-events.ts';
import type { StationCertificateAuthority } from '../domain/station-ca.ts';
import type { StationSecurity } from '../domain/station-security.ts';
import type { SitePki } from '../pki/site-pki.ts';
import type { SiteSettingsService } from '../domain/site-settings.ts';
import type { StationConfiguration } from '../domain/station-configuration.ts';
import type { StationJobs } from '../domain/station-jobs.ts';
import type { StationService } from '../domain/station-service.ts';
import type { TransactionService } from '../domain/transactions.ts';
import type { StationWarnings } from '../domain/warnings.ts';
import type { Logger } from '../log/logger.ts';
import type { SessionRegistry } from '../ocpp/sessions.ts';
import type { StationLink } from '../ocpp/station-link.ts';
import type { Db } from '../storage/database.ts';
import type { MessageLog } from '../storage/message-log.ts';
import type { StorageWorker } from '../storage/worker/storage-worker-client.ts';
import type { MeterValuesThread } from '../storage/meter-values/meter-values-client.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import type { ExportService } from '../domain/exports.ts';
import type { WebhookService } from '../domain/webhooks.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Balancer } from '../balancer/balancer.ts';
import type { SitePowerRecorder } from '../balancer/power/site-power-recorder.ts';
import type { BackupCatalog } from '../storage/backup-catalog.ts';
import type { IdTokenGroupService } from '../domain/id-token-groups.ts';
import type { Clock } from '../balancer/clock.ts';

/**
 * Everything the appliance is made of, built once in appliance.ts. OCPP handlers, commands and API routes
 * take what they need from here. Feature modules add their service as a field.
 */
export interface Services {
  db: Db;
  writes: WriteQueue;
  events: EventBus;
  log: Logger;
  version: string;
  startedAt: Date;
  /** The data directory (database, backups, PKI, uploads). */
  dataDir: string;
  /** Database backups in <dataDir>/backups: the daily ones and those made on request. */
  backups: BackupCatalog;
  stations: StationService;
  transactions: TransactionService;
  idTokens: IdTokenService;
  /** ID-token groups (OCPP groupIdToken). */
  idTokenGroups: IdTokenGroupService;
  warnings: StationWarnings;
  remoteStarts: RemoteStartTracker;
  siteSettings: SiteSettingsService;
  dataTransfers: DataTransferService;
  configuration: StationConfiguration;
  deviceModel: DeviceModelService;
  securityEvents: SecurityEventLog;
  /** The site CA and the TLS server certificate. */
  pki: SitePki;
  /** Per-station security profiles and passwords; the handshake's authentication. */
  security: StationSecurity;
  /** Signs stations' CSRs with the site CA, renews and revokes their certificates. */
  stationCa: StationCertificateAuthority;
  certificates: StationCertificates;
  firmware: FirmwareLibrary;
  stationJobs: StationJobs;
  localList: LocalListService;
  reservations: ReservationService;
  chargingProfiles: ChargingProfileService;
  chargingProfileReports: ChargingProfileReports;
  chargingLimits: ChargingLimitService;
  evCharging: EvChargingService;
  iso15118: Iso15118Certificates;
  stationEvents: StationEventLog;
  monitoring: MonitoringService;
  customerInformation: CustomerInformationService;
  displayMessages: DisplayMessageService;
  tariffs: TariffService;
  ocpp21Messages: Ocpp21MessageLog;
  messageLog: MessageLog;
  /** The thread that keeps the OCPP message log and checkpoints the database and the meter-value file. */
  storageWorker: StorageWorker;
  /** The thread that stores meter values. */
  meterValues: MeterValuesThread;
  /** Users, sessions, API tokens, first-run setup and the audit log (src/auth). */
  auth: Auth;
  sessions: SessionRegistry;
  link: StationLink;
  commands: CommandRunner;
  /** Domain events POSTed to integrations, with a durable retry queue. */
  webhooks: WebhookService;
  /** Streamed downloads of sessions and meter values. */
  exports: ExportService;
  /** Counters and histograms for GET /metrics. */
  metrics: Metrics;
  /** Local load management: site model, site meters, the driver of the allocation core (src/balancer). */
  balancer: Balancer;
  /** Site power against the grid limit: streamed live (`site.power`) and kept per minute for the dashboard's chart. */
  sitePower: SitePowerRecorder;
  /** The load-management driver's time; real time unless a simulator drives it (scripts/sim-site). */
  clock?: Clock;
}
