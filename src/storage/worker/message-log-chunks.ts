import type { MessageLogEntry } from '../message-log.ts';

/** One logged frame as the storage thread keeps it; `at` in epoch milliseconds. */
export interface LoggedFrameRecord {
  id: number;
  at: number;
  direction: 'in' | 'out';
  messageType: string;
  messageId: string;
  action: string | null;
  payload: string;
}

/**
 * A chunk's text: its frames one after the other, numbers ended by ',' and strings length-prefixed
 * (`<length>:<text>`, a null action as '-'). Nothing is escaped, so any frame text, control characters from a
 * hostile charger included, round-trips, and writing a frame costs one string concatenation.
 */
export function encodeFrame(f: LoggedFrameRecord): string {
  const action = f.action === null ? '-' : `${f.action.length}:${f.action}`;
  return `${f.id},${f.at},${f.direction === 'in' ? 'i' : 'o'}${f.messageType.length}:${f.messageType}${f.messageId.length}:${f.messageId}${action}${f.payload.length}:${f.payload}`;
}

/** The frames of a chunk, oldest first, as the API returns them; stops at the first frame it cannot read. */
export function decodeFrames(stationId: string, text: string): MessageLogEntry[] {
  const out: MessageLogEntry[] = [];
  let at = 0;
  const number = (end: string): number => {
    const stop = text.indexOf(end, at);
    if (stop < 0) throw new RangeError('truncated');
    const value = Number(text.slice(at, stop));
    if (!Number.isFinite(value)) throw new RangeError('not a number');
    at = stop + 1;
    return value;
  };
  const string = (): string => {
    const length = number(':');
    if (at + length > text.length) throw new RangeError('truncated');
    const value = text.slice(at, at + length);
    at += length;
    return value;
  };
  try {
    while (at < text.length) {
      const id = number(',');
      const ms = number(',');
      const direction = text[at++] === 'i' ? 'in' : 'out';
      const messageType = string();
      const messageId = string();
      let action: string | null = null;
      if (text[at] === '-') at++;
      else action = string();
      const payload = string();
      out.push({ id, stationId, at: new Date(ms).toISOString(), direction, messageType, messageId, action, payload });
    }
  } catch {
    // A chunk that does not read to its end (damaged on disk): the frames before the damage are still good.
  }
  return out;
}
