import type { Config } from '../config/config.ts';
import { backupTool } from './backup-tool.ts';
import { restoreTool } from './restore-tool.ts';
import { tokensTool } from './tokens-tool.ts';
import { usersTool } from './users-tool.ts';

/**
 * `ampyard <name> …` tools that work on the data directory of a stopped or running appliance
 * (users, tokens, backup, restore). Each gets the configuration (data dir etc.) and its own arguments,
 * and returns the process exit code.
 */
export interface Subcommand {
  summary: string;
  usage: string;
  run(args: string[], config: Config, io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }): Promise<number>;
}

/** Registered by feature; see the README for each. */
export const subcommands: Record<string, Subcommand> = {
  users: usersTool,
  tokens: tokensTool,
  backup: backupTool,
  restore: restoreTool,
};
