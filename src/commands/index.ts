import type { Services } from '../app/services.ts';
import { certificateCommands } from './certificates.ts';
import { chargingProfileReportCommands } from './charging-profile-reports.ts';
import { firmwarePublishingCommands } from './firmware-publishing.ts';
import { coreCommands } from './core.ts';
import { deviceModelCommands } from './device-model.ts';
import { displayMessageCommands } from './display-messages.ts';
import { firmwareCommands } from './firmware.ts';
import { localListCommands } from './local-list.ts';
import { monitoringCommands } from './monitoring.ts';
import { reservationCommands } from './reservations.ts';
import { securityCommands } from './security.ts';
import { smartChargingCommands } from './smart-charging.ts';
import { tariffCommands } from './tariffs.ts';
import type { CommandSpec } from './spec.ts';

/** Every command, by feature. Feature modules add their list here. */
export function allCommands(services: Services): CommandSpec[] {
  return [...coreCommands(services), ...deviceModelCommands(services), ...certificateCommands(services), ...securityCommands(services), ...firmwareCommands(services), ...localListCommands(services), ...reservationCommands(services), ...smartChargingCommands(services), ...monitoringCommands(services), ...displayMessageCommands(services), ...tariffCommands(services), ...chargingProfileReportCommands(services), ...firmwarePublishingCommands(services)];
}
