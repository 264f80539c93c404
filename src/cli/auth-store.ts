import { ApiTokenService } from '../auth/api-tokens.ts';
import { AuditLog } from '../auth/audit.ts';
import { UserService } from '../auth/users.ts';
import type { Config } from '../config/config.ts';
import { ApiTokensRepo } from '../storage/api-tokens-repo.ts';
import { AuditRepo } from '../storage/audit-repo.ts';
import { openDatabase } from '../storage/database.ts';
import { UsersRepo } from '../storage/users-repo.ts';
import { WriteQueue } from '../storage/write-queue.ts';

export interface AuthStore {
  users: UserService;
  tokens: ApiTokenService;
  audit: AuditLog;
  close(): void;
}

/**
 * The users and tokens of a data directory, for the command-line tools. Works beside a running appliance:
 * SQLite in WAL mode lets both read, and the busy timeout makes a write wait for the other's to finish.
 * A running appliance reads users and tokens from the database on each request, so it sees the change at once.
 */
export function openAuthStore(config: Config): AuthStore {
  const db = openDatabase(config.dataDir);
  const writes = new WriteQueue(db);
  return {
    users: new UserService(new UsersRepo(db), writes),
    tokens: new ApiTokenService(new ApiTokensRepo(db), writes),
    audit: new AuditLog(new AuditRepo(db), writes),
    close: () => {
      writes.close();
      db.close();
    },
  };
}

export interface ToolIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}
