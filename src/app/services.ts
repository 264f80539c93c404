import type { CommandRunner } from '../commands/runner.ts';
import type { DataTransferService } from '../domain/data-transfer.ts';
import type { EventBus } from '../domain/events.ts';
import type { IdTokenService } from '../domain/id-tokens.ts';
import type { RemoteStartTracker } from '../domain/remote-starts.ts';
import type { SiteSettingsService } from '../domain/site-settings.ts';
import type { StationConfiguration } from '../domain/station-configuration.ts';
import type { StationService } from '../domain/station-service.ts';
import type { TransactionService } from '../domain/transactions.ts';
import type { StationWarnings } from '../domain/warnings.ts';
import type { Logger } from '../log/logger.ts';
import type { SessionRegistry } from '../ocpp/sessions.ts';
import type { StationLink } from '../ocpp/station-link.ts';
import type { Db } from '../storage/database.ts';
import type { MessageLog } from '../storage/message-log.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

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
  stations: StationService;
  transactions: TransactionService;
  idTokens: IdTokenService;
  warnings: StationWarnings;
  remoteStarts: RemoteStartTracker;
  siteSettings: SiteSettingsService;
  dataTransfers: DataTransferService;
  configuration: StationConfiguration;
  messageLog: MessageLog;
  sessions: SessionRegistry;
  link: StationLink;
  commands: CommandRunner;
}
