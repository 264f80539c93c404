import type { Services } from '../app/services.ts';
import { coreCommands } from './core.ts';
import type { CommandSpec } from './spec.ts';

/** Every command, by feature. Feature modules add their list here. */
export function allCommands(services: Services): CommandSpec[] {
  return [...coreCommands(services)];
}
