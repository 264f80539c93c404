import type { HandlerTable } from '../dispatcher.ts';
import { v16Firmware } from './firmware.ts';
import { v16Provisioning } from './provisioning.ts';
import { v16Security } from './security.ts';
import { v16Transactions } from './transactions.ts';

/** Every OCPP 1.6 message a station may send, by feature profile. */
export const v16Handlers: HandlerTable = {
  ...v16Provisioning,
  ...v16Transactions,
  ...v16Security,
  ...v16Firmware,
};
