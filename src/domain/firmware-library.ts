import { createHash } from 'node:crypto';
import type { EventBus } from './events.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { FileStore, InvalidFileError, randomToken } from '../storage/file-store.ts';
import type { FirmwareRepo, FirmwareRow } from '../storage/firmware-repo.ts';
import type { StationJobsRepo } from '../storage/station-jobs-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

export interface FirmwareFile {
  id: number;
  name: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** Path (on Ampyard's own HTTP port, outside the API) from which stations download it. */
  downloadPath: string;
}

/** A file name as given by an operator or a station, made safe to show and to put in a URL path segment. */
export function cleanFileName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? null : cleaned;
}

function toFile(row: FirmwareRow): FirmwareFile {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    createdAt: row.createdAt,
    downloadPath: `/files/firmware/${row.token}/${encodeURIComponent(row.name)}`,
  };
}

/**
 * Firmware images the operator uploaded, kept in <dataDir>/firmware/ and served to stations at an unguessable
 * URL. Deleting an image that an unfinished update still downloads is refused unless forced.
 */
export class FirmwareLibrary {
  private readonly repo: FirmwareRepo;
  private readonly jobs: StationJobsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly store: FileStore;
  /** By download token: ids of deleted files can be reused, tokens are not. */
  private readonly md5s = new Map<string, string>();
  readonly maxBytes: number;

  constructor(repo: FirmwareRepo, jobs: StationJobsRepo, writes: WriteQueue, events: EventBus, options: { dir: string; maxBytes: number }) {
    this.repo = repo;
    this.jobs = jobs;
    this.writes = writes;
    this.events = events;
    this.store = new FileStore(options.dir);
    this.maxBytes = options.maxBytes;
  }

  async add(name: string, body: ReadableStream<Uint8Array> | null, declaredLength?: number): Promise<FirmwareFile> {
    const clean = cleanFileName(name);
    if (!clean) throw new InvalidFileError('name must be a file name (no path, not empty)');
    const stored = await this.store.receive(body, this.maxBytes, declaredLength);
    if (stored.size === 0) {
      await this.store.remove(stored.storedAs);
      throw new InvalidFileError('the firmware file is empty; send its bytes as the request body');
    }
    const row = await this.writes.run(() => {
      const id = this.repo.insert({ name: clean, size: stored.size, sha256: stored.sha256, token: randomToken(), storedAs: stored.storedAs, createdAt: new Date().toISOString() });
      return this.repo.get(id)!;
    });
    const file = toFile(row);
    this.events.publish({ type: 'firmware.added', data: file });
    return file;
  }

  list(): FirmwareFile[] {
    return this.repo.list().map(toFile);
  }

  get(id: number): FirmwareFile | undefined {
    const row = this.repo.get(id);
    return row ? toFile(row) : undefined;
  }

  require(id: number): FirmwareFile {
    const file = this.get(id);
    if (!file) throw new NotFoundError(`no firmware file ${id}`);
    return file;
  }

  /** MD5 (hex) of an image: OCPP 2.x PublishFirmware/UnpublishFirmware name firmware by it. Read once, then kept. */
  async md5(id: number): Promise<string> {
    const row = this.repo.get(id);
    if (!row || !this.store.exists(row.storedAs)) throw new NotFoundError(`no firmware file ${id}`);
    const known = this.md5s.get(row.token);
    if (known) return known;
    const hash = createHash('md5');
    for await (const chunk of this.store.read(row.storedAs)) hash.update(chunk);
    const md5 = hash.digest('hex');
    this.md5s.set(row.token, md5);
    return md5;
  }

  /** For serving to stations: the stored file behind a download token. */
  byToken(token: string): { file: FirmwareFile; storedAs: string } | undefined {
    const row = this.repo.byToken(token);
    return row && this.store.exists(row.storedAs) ? { file: toFile(row), storedAs: row.storedAs } : undefined;
  }

  read(storedAs: string, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
    return this.store.read(storedAs, range);
  }

  async remove(id: number, force = false): Promise<void> {
    const row = this.repo.get(id);
    if (!row) throw new NotFoundError(`no firmware file ${id}`);
    const inUse = this.jobs.openJobsUsingFirmware(id);
    if (inUse > 0 && !force) throw new ConflictError(`firmware file ${id} is used by ${inUse} unfinished update(s); wait for them or delete with ?force=true`);
    await this.writes.run(() => this.repo.remove(id));
    await this.store.remove(row.storedAs);
    this.events.publish({ type: 'firmware.removed', data: { id } });
  }
}
