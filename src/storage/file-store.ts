import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

export class PayloadTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the file is larger than the limit of ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
    this.limit = limit;
  }
}

/** A file that cannot be taken as sent (no usable name, empty, malformed form). */
export class InvalidFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFileError';
  }
}

export interface StoredFile {
  /** Random name of the file inside its folder; never derived from what a client sent. */
  storedAs: string;
  size: number;
  sha256: string;
}

/** A random, unguessable token for URLs (144 bits, URL-safe). */
export function randomToken(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Files kept by Ampyard in one folder of the data directory (firmware images, uploaded logs). Bodies are
 * streamed to disk (never held in memory), counted against a limit and hashed on the way, written under a
 * temporary name, flushed to disk and only then renamed into place.
 */
/** Past the limit, a body is still read (and dropped) up to this much more, so the client hears the 413. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

/**
 * Files kept by Ampyard in one folder of the data directory (firmware images, uploaded logs). Bodies are
 * streamed to disk (never held in memory), counted against a limit and hashed on the way, written under a
 * temporary name, flushed to disk and only then renamed into place.
 */
export class FileStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Stores `body`, or throws PayloadTooLargeError once it is (or its declared length says it will be) larger
   * than `maxBytes`. HTTP clients such as fetch stop sending when an answer comes early and then see a reset
   * rather than the 413, so an over-size body is read to its end (within DISCARD_LIMIT) before that.
   */
  async receive(body: ReadableStream<Uint8Array> | null, maxBytes: number, declaredLength?: number): Promise<StoredFile> {
    mkdirSync(this.dir, { recursive: true });
    const storedAs = randomBytes(16).toString('hex');
    const partial = join(this.dir, `${storedAs}.part`);
    const hash = createHash('sha256');
    let size = 0;
    let tooLarge = declaredLength !== undefined && declaredLength > maxBytes;
    const out = tooLarge ? undefined : createWriteStream(partial, { flags: 'wx', flush: true });
    let writeError: Error | undefined;
    out?.on('error', (error) => (writeError ??= error));
    try {
      if (body) {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.byteLength;
          if (size > maxBytes) tooLarge = true;
          if (tooLarge) {
            if (size > maxBytes + DISCARD_LIMIT) break;
            continue;
          }
          if (writeError) throw writeError;
          hash.update(chunk);
          if (!out!.write(chunk)) await once(out!, 'drain');
        }
      }
      if (tooLarge) throw new PayloadTooLargeError(maxBytes);
      out!.end();
      await finished(out!);
      await rename(partial, join(this.dir, storedAs));
    } catch (error) {
      out?.destroy();
      await rm(partial, { force: true });
      throw error;
    }
    return { storedAs, size, sha256: hash.digest('hex') };
  }

  path(storedAs: string): string {
    return join(this.dir, storedAs);
  }

  exists(storedAs: string): boolean {
    try {
      return statSync(this.path(storedAs)).isFile();
    } catch {
      return false;
    }
  }

  /** The file's bytes from `start` to `end` (inclusive) as a web stream. */
  read(storedAs: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
    const stream = createReadStream(this.path(storedAs), range ?? {});
    return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
  }

  async remove(storedAs: string): Promise<void> {
    await rm(this.path(storedAs), { force: true });
  }
}
