import type { Subcommand } from './subcommands.ts';

/** A tool's `run` that answers node:util parseArgs errors (unknown flag, missing value) with its usage and exit 2. */
export function withUsage(usage: string, run: Subcommand['run']): Subcommand['run'] {
  return (args, config, io) =>
    run(args, config, io).catch((error) => {
      if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr.write(`ampyard: ${(error as Error).message}\nusage: ${usage}\n`);
        return 2;
      }
      throw error;
    });
}
