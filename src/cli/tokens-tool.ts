import { parseArgs } from 'node:util';
import type { Config } from '../config/config.ts';
import { NotFoundError } from '../domain/errors.ts';
import { openAuthStore, type ToolIo } from './auth-store.ts';
import type { Subcommand } from './subcommands.ts';
import { withUsage } from './usage.ts';
import { explainToolError } from './users-tool.ts';

const usage = `ampyard tokens create USER [--name LABEL]   prints the new token once, on stdout
       ampyard tokens list [USER]
       ampyard tokens revoke ID`;

async function run(args: string[], config: Config, io: ToolIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { name: { type: 'string' } }, allowPositionals: true, strict: true });
  const [action, target, ...extra] = positionals;
  const ok = (action === 'create' && target) || action === 'list' || (action === 'revoke' && target && /^\d+$/.test(target));
  if (!ok || extra.length) {
    io.stderr.write(`usage: ${usage}\n`);
    return 2;
  }
  const store = openAuthStore(config);
  try {
    if (action === 'revoke') {
      const token = store.tokens.require(Number(target));
      await store.tokens.revoke(token.id);
      await store.audit.record({ via: 'cli', action: 'cli.tokens.revoke', detail: `token=${token.id} user=${token.username}` });
      io.stdout.write(`revoked token ${token.id} (${token.name}) of ${token.username}\n`);
      return 0;
    }
    const user = target ? store.users.byUsername(target) : undefined;
    if (target && !user) throw new NotFoundError(`no user ${target}`);
    if (action === 'list') {
      for (const t of store.tokens.list(user?.id)) {
        io.stdout.write(`${t.id}\t${t.username}\t${t.name}\t${t.prefix}…\tcreated ${t.createdAt}\tlast used ${t.lastUsedAt ?? 'never'}\n`);
      }
      return 0;
    }
    const { token, secret } = await store.tokens.create(user!.id, values.name);
    await store.audit.record({ via: 'cli', action: 'cli.tokens.create', detail: `token=${token.id} user=${token.username}` });
    // Only the token on stdout, so that scripts can capture it: TOKEN=$(ampyard tokens create admin).
    io.stdout.write(secret + '\n');
    io.stderr.write(`API token ${token.id} "${token.name}" for ${token.username}; it is shown only now. Send it as "Authorization: Bearer <token>".\n`);
    return 0;
  } catch (error) {
    return explainToolError(error, io);
  } finally {
    store.close();
  }
}

export const tokensTool: Subcommand = {
  summary: 'create (prints it once), list or revoke API tokens',
  usage: 'tokens create USER|list|revoke ID',
  run: withUsage(usage, run),
};
