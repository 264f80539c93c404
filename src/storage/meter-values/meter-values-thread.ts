import type { MessagePort } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { FailedWrite, FromWorker, StorageWorkerData, ToWorker } from '../worker/protocol.ts';
import { CheckpointGate } from './checkpoint-gate.ts';
import { decodeWrites, type DecodedWrite } from './encoded-writes.ts';
import { prepareWriterConnection } from './meter-values-file.ts';
import { MeterValuesWriter } from './meter-values-writer.ts';

/** Commits are spaced at least this far apart: each costs an fsync and rewrites the pages its writes share. */
const COMMIT_WINDOW_MS = 5;

/**
 * The meter-value thread: the only writer of the meter-value file. It stores what the main thread sends in
 * group commits, each fsynced before it answers, so a meter value is acknowledged only once it is durable.
 * It does nothing else, so no checkpoint or message-log batch delays an answer (the storage thread
 * checkpoints this file). Started by MeterValuesThread.
 */
export function runMeterValuesThread(data: StorageWorkerData, port: MessagePort, open: (file: string) => BetterSqlite3.Database): void {
  const send = (message: FromWorker) => port.postMessage(message);
  const db = open(data.meterValuesFile);
  prepareWriterConnection(db);
  db.pragma('wal_autocheckpoint = 0');
  const writer = new MeterValuesWriter(db);
  const store = db.transaction((writes: DecodedWrite[]) => {
    for (const w of writes) writer.insert(w.stationId, w.evseId, w.transactionId, w.samples);
  });
  let pending: DecodedWrite[] = [];
  let scheduled = false;
  let lastCommitAt = -Infinity;
  const gate = new CheckpointGate(data.meterCheckpointGate);
  // No commit of this thread is under way (one that was, in a thread that stopped, must not keep the checkpointer waiting).
  gate.leave();

  /** Stores every write received since the last flush in one transaction (one fsync), then says which failed. */
  function flush(): void {
    // The storage thread is holding commits while its checkpoint copies the last frames (see meter-checkpoints.ts).
    if (!gate.tryEnter()) {
      setTimeout(flush, 1);
      return;
    }
    try {
      commitPending();
    } finally {
      gate.leave();
    }
  }

  function commitPending(): void {
    scheduled = false;
    lastCommitAt = performance.now();
    const writes = pending;
    pending = [];
    if (writes.length === 0) return;
    const failed: FailedWrite[] = [];
    try {
      store(writes);
    } catch {
      // One write's data or the storage failed: each again alone, so that only what fails is refused.
      for (const w of writes) {
        try {
          store([w]);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          failed.push([w.id, typeof code === 'string' ? code : null, (error as Error).message]);
        }
      }
    }
    send({ type: 'stored', upTo: writes[writes.length - 1]!.id, failed });
  }

  send({ type: 'ready' });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'samples') {
      for (const write of decodeWrites(message.bytes, message.length)) pending.push(write);
      if (scheduled) return;
      scheduled = true;
      // Writes that arrive while a COMMIT waits for its fsync wait in the port and make the next batch.
      const wait = lastCommitAt + COMMIT_WINDOW_MS - performance.now();
      if (wait <= 0) setImmediate(flush);
      else setTimeout(flush, wait);
    } else if (message.type === 'close') {
      gate.open();
      flush();
      db.close();
      send({ type: 'closed' });
      port.close();
    }
  });
}
