import type { HandlerTable } from '../dispatcher.ts';
import { v2DataTransfer } from './data-transfer.ts';
import { v2DeviceModel } from './device-model.ts';
import { v2Diagnostics } from './diagnostics.ts';
import { v2DisplayMessages } from './display-messages.ts';
import { v2Firmware } from './firmware.ts';
import { v2Iso15118 } from './iso15118.ts';
import { v2Ocpp21 } from './ocpp21.ts';
import { v2Provisioning } from './provisioning.ts';
import { v2Reservations } from './reservations.ts';
import { v2Security } from './security.ts';
import { v2SmartCharging } from './smart-charging.ts';
import { v2Transactions } from './transactions.ts';

/** Every OCPP 2.0.1/2.1 message a station may send, by functional block. */
export const v2Handlers: HandlerTable = {
  // First: a block that handles a 2.1-only message itself replaces the generic "store it" answer.
  ...v2Ocpp21,
  ...v2Provisioning,
  ...v2DeviceModel,
  ...v2Transactions,
  ...v2Reservations,
  ...v2Diagnostics,
  ...v2DisplayMessages,
  ...v2DataTransfer,
  ...v2Security,
  ...v2Firmware,
  ...v2SmartCharging,
  ...v2Iso15118,
};
