/**
 * Message-log rows travel to the storage thread as bytes: each field a 32-bit length (-1 for null) and its UTF-8
 * text, LOG_FIELDS fields a row, in an ArrayBuffer that is transferred, not copied. A flat array of strings cost
 * the event loop a structured-clone copy of every frame (3-4 % of it at 10,000 messages/s), and the frames it held
 * lived long enough to be copied by the garbage collector too; written here they die young.
 */
export const LOG_FIELDS = 7;

/** A new batch holds at least this much; a row that needs more gets a batch of its own size. */
const BATCH_BYTES = 512 * 1024;

export class LogBatchWriter {
  private bytes: Buffer | undefined;
  private used = 0;
  rows = 0;

  /** Room for a row of these fields (UTF-8 takes at most 3 bytes per UTF-16 unit); false if the batch is full. */
  fits(fields: ReadonlyArray<string | null>): boolean {
    return this.bytes !== undefined && this.used + worstCase(fields) <= this.bytes.length;
  }

  /** Appends a row; the caller has taken the batch (take) if it did not fit. */
  add(fields: ReadonlyArray<string | null>): void {
    if (!this.fits(fields)) {
      if (this.rows > 0) throw new Error('log batch is full; take it first');
      this.bytes = Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, worstCase(fields)));
      this.used = 0;
    }
    const bytes = this.bytes!;
    for (const field of fields) {
      if (field === null) {
        bytes.writeInt32LE(-1, this.used);
        this.used += 4;
      } else {
        const length = bytes.write(field, this.used + 4);
        bytes.writeInt32LE(length, this.used);
        this.used += 4 + length;
      }
    }
    this.rows++;
  }

  /** The rows so far, as a buffer to transfer and the length used; starts a new batch. */
  take(): { bytes: ArrayBuffer; length: number; rows: number } | undefined {
    if (!this.bytes || this.rows === 0) return undefined;
    const batch = { bytes: this.bytes.buffer as ArrayBuffer, length: this.used, rows: this.rows };
    this.bytes = undefined;
    this.used = 0;
    this.rows = 0;
    return batch;
  }
}

function worstCase(fields: ReadonlyArray<string | null>): number {
  let units = 0;
  for (const field of fields) if (field !== null) units += field.length;
  return fields.length * 4 + units * 3;
}

/** Calls `row` with each row's fields in order (the same array, refilled). */
export function readLogBatch(bytes: ArrayBuffer, length: number, row: (fields: Array<string | null>) => void): void {
  const view = Buffer.from(bytes, 0, length);
  const fields: Array<string | null> = new Array(LOG_FIELDS).fill(null);
  let at = 0;
  while (at < length) {
    for (let f = 0; f < LOG_FIELDS; f++) {
      const n = view.readInt32LE(at);
      at += 4;
      if (n < 0) fields[f] = null;
      else {
        fields[f] = view.toString('utf8', at, at + n);
        at += n;
      }
    }
    row(fields);
  }
}
