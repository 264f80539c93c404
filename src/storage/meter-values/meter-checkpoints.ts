import type BetterSqlite3 from 'better-sqlite3';
import { NEW_DATABASE_PAGE_SIZE } from '../database.ts';
import type { CheckpointGate } from './checkpoint-gate.ts';
import { METER_WAL_LIMIT_BYTES } from './meter-values-file.ts';

/** A WAL file's worth of frames at the page size of new databases (2 KiB): 32,768. */
export const METER_WAL_RESTART_FRAMES = METER_WAL_LIMIT_BYTES / NEW_DATABASE_PAGE_SIZE;
/** The writer is held only once a round has had at most this many frames to copy (~0.5 MB), at most a few ms. */
const HELD_COPY_FRAMES = 256;
const CATCH_UP_ROUNDS = 4;
/** A commit under way longer than this (a stalled disk) is not waited for: the restart is tried next time. */
const CLOSE_TIMEOUT_MS = 250;

export interface MeterCheckpoint {
  /** Frames in the WAL when the last round began. */
  frames: number;
  /** True if the writer was held so that its next commit starts the WAL over. */
  held: boolean;
}

/**
 * One scheduled checkpoint of the meter-value file, run by the storage thread on a connection of its own
 * (synchronous=NORMAL: the WAL is fsynced before pages are copied, the database file before the WAL may be
 * reused). A WAL starts over only when a commit begins with all of it copied, which under steady load never
 * happens by chance; so once it has grown past `restartAtFrames`, rounds catch up without holding the writer,
 * each copying what was committed during the one before, and the last small round runs with the writer held.
 */
export function checkpointMeterValues(db: BetterSqlite3.Database, gate: CheckpointGate, restartAtFrames = METER_WAL_RESTART_FRAMES): MeterCheckpoint {
  const passive = () => (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>)[0]!;
  let done = passive();
  if (done.log < restartAtFrames) return { frames: done.log, held: false };
  for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
    const before = done.checkpointed;
    done = passive();
    if (done.checkpointed - before <= HELD_COPY_FRAMES) break;
  }
  if (!gate.close(CLOSE_TIMEOUT_MS)) return { frames: done.log, held: false };
  try {
    done = passive();
  } finally {
    gate.open();
  }
  return { frames: done.log, held: true };
}
