import { parseArgs } from 'node:util';
import { ParamsError } from '../commands/params.ts';
import type { Config } from '../config/config.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { openAuthStore, type ToolIo } from './auth-store.ts';
import { readNewPassword } from './read-password.ts';
import type { Subcommand } from './subcommands.ts';
import { withUsage } from './usage.ts';

const usage = `ampyard users list
       ampyard users add NAME --role admin|operator|viewer
       ampyard users set-password NAME
The password comes from the environment variable AMPYARD_PASSWORD or stdin (a terminal asks for it).`;

/** A user-facing failure: printed as one line, exit code 1. */
export function explainToolError(error: unknown, io: ToolIo): number {
  if (error instanceof ParamsError || error instanceof ConflictError || error instanceof NotFoundError) {
    io.stderr.write(`ampyard: ${error.message}\n`);
    return 1;
  }
  if (error instanceof Error && error.message === 'cancelled') return 130;
  throw error;
}

async function run(args: string[], config: Config, io: ToolIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { role: { type: 'string' } }, allowPositionals: true, strict: true });
  const [action, name, ...extra] = positionals;
  const needsName = action === 'add' || action === 'set-password';
  if (!action || !['list', 'add', 'set-password'].includes(action) || (needsName && !name) || extra.length || (action === 'list' && name)) {
    io.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const store = openAuthStore(config);
  try {
    if (action === 'list') {
      const rows = store.users.list();
      if (rows.length === 0) io.stdout.write('no users yet (first-run setup is open)\n');
      for (const u of rows) io.stdout.write(`${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}\n`);
      return 0;
    }
    if (action === 'add') {
      if (!values.role) throw new ParamsError([{ field: 'role', message: 'is required (--role admin, operator or viewer)' }]);
      const password = await readNewPassword(io);
      const user = await store.users.create({ username: name, password, role: values.role });
      await store.audit.record({ via: 'cli', action: 'cli.users.add', detail: `user=${user.username} role=${user.role}` });
      io.stdout.write(`created ${user.role} ${user.username}\n`);
      return 0;
    }
    const user = store.users.byUsername(name!);
    if (!user) throw new NotFoundError(`no user ${name}`);
    const password = await readNewPassword(io);
    await store.users.update(user.id, { password });
    await store.audit.record({ via: 'cli', action: 'cli.users.set-password', detail: `user=${user.username}` });
    io.stdout.write(`password of ${user.username} changed\n`);
    return 0;
  } catch (error) {
    return explainToolError(error, io);
  } finally {
    store.close();
  }
}

export const usersTool: Subcommand = {
  summary: 'list users, add one (e.g. the first admin), reset a password',
  usage: 'users add|list|set-password …',
  run: withUsage(usage, run),
};
