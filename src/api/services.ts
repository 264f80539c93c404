import type { EventBus } from '../domain/events.ts';
import type { StationService } from '../domain/station-service.ts';
import type { Logger } from '../log/logger.ts';
import type { StationCommands } from '../ocpp/commands.ts';
import type { MessageLog } from '../storage/message-log.ts';

/** What the REST API may use: the domain and the version-neutral command interface, nothing OCPP-specific. */
export interface ApiServices {
  stations: StationService;
  commands: StationCommands;
  messageLog: MessageLog;
  events: EventBus;
  version: string;
  startedAt: Date;
  log: Logger;
}
