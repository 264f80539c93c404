export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function format(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`${key}=${/\s/.test(text) ? JSON.stringify(text) : text}`);
  }
  return parts.length ? ' ' + parts.join(' ') : '';
}

/** Plain one-line logs on stderr; an appliance's journal reads them as they are. */
export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, write: (line: string) => unknown = (line) => process.stderr.write(line + '\n')): Logger {
  return new LineLogger(level, base, write);
}

/** A class, not closures: every connected station has a logger of its own, and the heap holds thousands. */
class LineLogger implements Logger {
  private readonly level: LogLevel;
  private readonly base: Record<string, unknown>;
  private readonly write: (line: string) => unknown;

  constructor(level: LogLevel, base: Record<string, unknown>, write: (line: string) => unknown) {
    this.level = level;
    this.base = base;
    this.write = write;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.emit('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.emit('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.emit('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.emit('error', message, fields);
  }

  child(fields: Record<string, unknown>): Logger {
    return createLogger(this.level, { ...this.base, ...fields }, this.write);
  }

  private emit(lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void {
    if (rank[lvl] < rank[this.level]) return;
    this.write(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${message}${format({ ...this.base, ...fields })}`);
  }
}
