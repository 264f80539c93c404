import type { Logger } from './logger.ts';

/**
 * A logger that holds its lines until `release()`, then writes them and passes everything through. For work
 * done before the appliance knows it can start (e.g. creating the site CA before the ports are open): a start
 * that fails then says only why, in one line.
 */
export function deferLogs(log: Logger): { log: Logger; release(): void } {
  let held: Array<() => void> | undefined = [];
  const wrap = (target: Logger): Logger => ({
    debug: (m, f) => (held ? held.push(() => target.debug(m, f)) : target.debug(m, f)),
    info: (m, f) => (held ? held.push(() => target.info(m, f)) : target.info(m, f)),
    warn: (m, f) => (held ? held.push(() => target.warn(m, f)) : target.warn(m, f)),
    error: (m, f) => (held ? held.push(() => target.error(m, f)) : target.error(m, f)),
    child: (fields) => wrap(target.child(fields)),
  });
  return {
    log: wrap(log),
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) line();
    },
  };
}
