import type { Logger } from '../log/logger.ts';
import { FileStore, InvalidFileError, randomToken, type StoredFile } from '../storage/file-store.ts';
import type { FileRow, JobRow, StationJobsRepo } from '../storage/station-jobs-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import type { EventBus } from './events.ts';
import { cleanFileName, type FirmwareFile } from './firmware-library.ts';
import {
  familyOf,
  kindsOf,
  neutralStatus,
  stateAfter,
  type JobFamily,
  type JobKind,
  type JobStatusEntry,
  type StationFile,
  type StationFirmwareState,
  type StationJob,
} from './station-job.ts';

export interface StationJobsOptions {
  /** Folder for files stations upload (<dataDir>/uploads). */
  uploadsDir: string;
  maxUploadBytes: number;
  /** Configured base URL at which stations reach Ampyard; empty: use the origin of the API request. */
  publicUrl: string;
}

export interface NewJob {
  stationId: string;
  kind: JobKind;
  /** For firmware jobs: the image the station downloads. */
  firmware?: FirmwareFile;
  params: Record<string, unknown>;
  /** Whether the OCPP message carries a requestId (the job id is used). */
  withRequestId: boolean;
  /** scheme://host[:port] of the API request that asked for the job. */
  origin?: string;
}

const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

function toFile(row: FileRow): StationFile {
  const { storedAs: _storedAs, ...file } = row;
  return file;
}

/**
 * Firmware updates and diagnostics/log uploads, from the command to the station's last status notification:
 * creates each job with the URL the station is given, records the station's answer and every status it
 * reports, receives the uploaded file, and keeps each station's current firmware status.
 */
export class StationJobs {
  private readonly repo: StationJobsRepo;
  private readonly writes: WriteQueue;
  private readonly events: EventBus;
  private readonly log: Logger;
  private readonly uploads: FileStore;
  private readonly options: StationJobsOptions;

  constructor(repo: StationJobsRepo, writes: WriteQueue, events: EventBus, log: Logger, options: StationJobsOptions) {
    this.repo = repo;
    this.writes = writes;
    this.events = events;
    this.log = log;
    this.uploads = new FileStore(options.uploadsDir);
    this.options = options;
  }

  get maxUploadBytes(): number {
    return this.options.maxUploadBytes;
  }

  /**
   * The base URL stations are told to use: the configured publicUrl, otherwise the scheme and Host of the API
   * request. A loopback host there is allowed (tests, a charger on the same machine) but warned about.
   */
  baseUrl(origin?: string): string {
    if (this.options.publicUrl) return this.options.publicUrl;
    if (!origin) throw new ConflictError('Ampyard does not know the address at which stations reach it; set publicUrl (--public-url or AMPYARD_PUBLIC_URL)');
    const url = new URL(origin);
    if (loopback.test(url.hostname)) {
      this.log.warn('giving a station a loopback URL; set publicUrl if stations cannot reach this address', { origin: url.origin });
    }
    return url.origin;
  }

  async create(input: NewJob): Promise<StationJob> {
    const family = familyOf(input.kind);
    const base = this.baseUrl(input.origin);
    const uploadToken = family === 'log' ? randomToken() : null;
    let location: string;
    if (uploadToken) location = `${base}/uploads/${uploadToken}`;
    else if (input.firmware) location = `${base}${input.firmware.downloadPath}`;
    else throw new Error(`a ${input.kind} job needs a firmware file`);
    const at = new Date().toISOString();
    const id = await this.writes.run(() => {
      const jobId = this.repo.insertJob({
        stationId: input.stationId,
        kind: input.kind,
        firmwareId: input.firmware?.id ?? null,
        location,
        uploadToken,
        params: input.params,
        status: 'requested',
        state: 'pending',
        at,
      });
      if (input.withRequestId) this.repo.setRequestId(jobId, jobId);
      this.repo.addHistory(jobId, { at, status: 'requested', source: 'ampyard', detail: null });
      return jobId;
    });
    return this.publish(id);
  }

  /**
   * The station's answer to the request. An accepted job replaces the station's earlier unfinished jobs of the
   * same family (a station runs one firmware update and one log upload at a time).
   */
  async answered(jobId: number, ocppStatus: string, detail: string | null = null, fileName: string | null = null): Promise<StationJob> {
    const status = neutralStatus(ocppStatus);
    const superseded: number[] = [];
    await this.writes.run(() => {
      const row = this.requireRow(jobId);
      const family = familyOf(row.kind);
      const state = status === 'accepted' || status === 'accepted_canceled' ? 'active' : stateAfter(family, row.state, status);
      const at = new Date().toISOString();
      // A quick station may report progress before its answer is processed; progress wins over `accepted`.
      if (!(state === 'active' && row.state !== 'pending')) this.repo.setStatus(jobId, status, state, at);
      this.repo.addHistory(jobId, { at, status, source: 'station', detail });
      if (fileName) this.repo.setFileName(jobId, fileName);
      if (state === 'failed') this.repo.closeUpload(jobId);
      // A local controller may publish several images at once (UnpublishFirmware names one by checksum).
      if (state !== 'active' || family === 'publish') return;
      for (const older of this.repo.open(row.stationId, kindsOf(family))) {
        if (older.id >= jobId) continue;
        this.repo.setStatus(older.id, 'superseded', 'failed', at);
        this.repo.addHistory(older.id, { at, status: 'superseded', source: 'ampyard', detail: `replaced by job ${jobId}` });
        superseded.push(older.id);
      }
    });
    for (const id of superseded) this.publish(id);
    return this.publish(jobId);
  }

  /** The request never got an answer the job can go on from (timeout, CALLERROR, connection lost). */
  async notSent(jobId: number, error: Error): Promise<StationJob> {
    const timedOut = error.name === 'CallTimeoutError';
    await this.writes.run(() => {
      const at = new Date().toISOString();
      const status = timedOut ? 'no_answer' : 'error';
      this.repo.setStatus(jobId, status, 'failed', at);
      this.repo.addHistory(jobId, { at, status, source: 'ampyard', detail: error.message });
      // After a timeout the station may still have taken the request; its upload is still welcome then.
      if (!timedOut) this.repo.closeUpload(jobId);
    });
    return this.publish(jobId);
  }

  /** Something Ampyard did for the job (e.g. asked for a reboot), kept in its history without changing its status. */
  async note(jobId: number, status: string, detail: string | null): Promise<StationJob> {
    await this.writes.run(() => this.repo.addHistory(jobId, { at: new Date().toISOString(), status, source: 'ampyard', detail }));
    return this.publish(jobId);
  }

  /**
   * A status notification from the station. With a requestId it belongs to that job; without one (OCPP 1.6) to
   * the station's newest job of `kind` still awaiting its word (see awaitingStation), else of the family.
   * Firmware statuses also become the station's current firmware status, whether or not a job matches (e.g.
   * Idle after a TriggerMessage). `report` adds what else the notification said (2.1 statusInfo, published URIs).
   */
  async stationReported(
    stationId: string,
    kind: JobKind,
    ocppStatus: string,
    requestId: number | null,
    report: { detail?: string | null; result?: Record<string, unknown> } = {},
  ): Promise<{ job: StationJob | undefined; firmwareState: StationFirmwareState | undefined }> {
    const family = familyOf(kind);
    const status = neutralStatus(ocppStatus);
    const at = new Date().toISOString();
    const { jobId, firmwareState } = await this.writes.run(() => {
      const row =
        requestId !== null
          ? this.repo.byRequestId(stationId, requestId, kindsOf(family))
          : (this.repo.awaitingStation(stationId, [kind])[0] ?? this.repo.awaitingStation(stationId, kindsOf(family))[0]);
      let firmwareState: StationFirmwareState | undefined;
      if (family === 'firmware') {
        firmwareState = { stationId, status, jobId: row?.id ?? null, at };
        this.repo.setFirmwareState(firmwareState);
      }
      if (!row) return { jobId: undefined, firmwareState };
      // Once the file is here the upload succeeded, whatever the station says next; a station that did not
      // answer in time but works on the request after all brings its job back to life.
      const current = row.status === 'no_answer' && status !== 'idle' ? 'active' : row.state;
      const state = family === 'log' && current === 'succeeded' ? 'succeeded' : stateAfter(family, current, status);
      this.repo.setStatus(row.id, status, state, at);
      const detail = [requestId === null ? null : `requestId ${requestId}`, report.detail ?? null].filter(Boolean).join('; ');
      this.repo.addHistory(row.id, { at, status, source: 'station', detail: detail || null });
      if (report.result) this.repo.setResult(row.id, report.result);
      return { jobId: row.id, firmwareState };
    });
    if (firmwareState) this.events.publish({ type: 'station.firmware.updated', data: firmwareState });
    if (jobId === undefined) {
      this.log.info('status notification matches no job', { station: stationId, kind, status, requestId });
      return { job: undefined, firmwareState };
    }
    return { job: this.publish(jobId), firmwareState };
  }

  /**
   * A local controller's answer to UnpublishFirmware for the image with this MD5 checksum: `Unpublished` and
   * `NoFirmware` end every publication job of it on the station (an unfinished one fails), `DownloadOngoing`
   * is noted. Returns the jobs it concerned.
   */
  async unpublished(stationId: string, checksum: string, ocppStatus: string): Promise<StationJob[]> {
    const status = neutralStatus(ocppStatus);
    const jobs = this.repo.list(stationId, kindsOf('publish'), 1000).filter((row) => row.state !== 'failed' && row.status !== 'unpublished' && (JSON.parse(row.params) as { checksum?: unknown }).checksum === checksum);
    if (jobs.length === 0) return [];
    await this.writes.run(() => {
      const at = new Date().toISOString();
      for (const row of jobs) {
        if (status === 'download_ongoing') {
          this.repo.addHistory(row.id, { at, status, source: 'station', detail: 'UnpublishFirmware refused: the download is still going on' });
          continue;
        }
        this.repo.setStatus(row.id, 'unpublished', row.state === 'succeeded' ? 'succeeded' : 'failed', at);
        this.repo.addHistory(row.id, { at, status: 'unpublished', source: 'station', detail: `UnpublishFirmware: ${ocppStatus}` });
      }
    });
    return jobs.map((row) => this.publish(row.id));
  }

  /** Whether `token` is a live upload URL; a used, refused or unknown one is not. */
  uploadTarget(token: string): StationJob | undefined {
    const row = this.repo.byUploadToken(token);
    return row ? this.toJob(row) : undefined;
  }

  /**
   * Stores a file a station uploaded to a job's URL (streamed to disk, size-limited) and links it to the job and
   * the station. The URL takes one file: afterwards it is unknown. Throws NotFoundError for an unknown or used
   * token, PayloadTooLargeError over the limit.
   */
  async receiveUpload(
    token: string,
    body: ReadableStream<Uint8Array> | null,
    meta: { name: string | null; contentType: string | null; declaredLength?: number },
  ): Promise<StationFile> {
    const target = this.repo.byUploadToken(token);
    if (!target) throw new NotFoundError('no upload is expected at this address');
    const { stored, name: sentName, contentType } = /^multipart\/form-data/i.test(meta.contentType ?? '')
      ? await this.receiveFormFile(body, meta)
      : { stored: await this.uploads.receive(body, this.options.maxUploadBytes, meta.declaredLength), name: meta.name, contentType: meta.contentType };
    const at = new Date().toISOString();
    const name = sentName ?? cleanFileName(target.fileName) ?? `${target.stationId}-${target.kind}-${at.replace(/[:.]/g, '-')}.log`;
    const fileId = await this.writes.run(() => {
      const job = this.repo.byUploadToken(token);
      if (!job) return undefined;
      const id = this.repo.insertFile({ stationId: job.stationId, jobId: job.id, name, contentType, size: stored.size, sha256: stored.sha256, storedAs: stored.storedAs, receivedAt: at });
      this.repo.closeUpload(job.id);
      this.repo.setStatus(job.id, 'received', stateAfter(familyOf(job.kind), job.state, 'received'), at);
      this.repo.addHistory(job.id, { at, status: 'received', source: 'ampyard', detail: `file ${id}: ${name}, ${stored.size} bytes` });
      return id;
    });
    if (fileId === undefined) {
      // Another upload to the same URL finished first.
      await this.uploads.remove(stored.storedAs);
      throw new NotFoundError('no upload is expected at this address');
    }
    const file = toFile(this.repo.file(fileId)!);
    this.events.publish({ type: 'station.file.received', data: file });
    this.publish(target.id);
    return file;
  }

  /**
   * multipart/form-data with exactly one file part: spooled to disk within the size limit, then parsed with
   * the platform's own parser (undici's, as used by fetch), so the part is held in memory only up to the limit.
   */
  private async receiveFormFile(
    body: ReadableStream<Uint8Array> | null,
    meta: { name: string | null; contentType: string | null; declaredLength?: number },
  ): Promise<{ stored: StoredFile; name: string | null; contentType: string | null }> {
    const raw = await this.uploads.receive(body, this.options.maxUploadBytes, meta.declaredLength);
    try {
      let form: FormData;
      try {
        const request = new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': meta.contentType! }, body: this.uploads.read(raw.storedAs), duplex: 'half' } as RequestInit);
        form = await request.formData();
      } catch {
        throw new InvalidFileError('the body is not valid multipart/form-data');
      }
      const files = [...form.values()].filter((value): value is File => typeof value !== 'string');
      if (files.length !== 1) throw new InvalidFileError(`expected one file in the form, found ${files.length}`);
      const part = files[0]!;
      const stored = await this.uploads.receive(part.stream(), this.options.maxUploadBytes);
      return { stored, name: cleanFileName(part.name) ?? meta.name, contentType: part.type || null };
    } finally {
      await this.uploads.remove(raw.storedAs);
    }
  }

  get(jobId: number): StationJob | undefined {
    const row = this.repo.get(jobId);
    return row ? this.toJob(row) : undefined;
  }

  list(stationId: string, family: JobFamily, limit = 50): StationJob[] {
    return this.repo.list(stationId, kindsOf(family), limit).map((row) => this.toJob(row));
  }

  firmwareState(stationId: string): StationFirmwareState | null {
    return this.repo.firmwareState(stationId) ?? null;
  }

  /** Every station's latest firmware status (stations that never reported one are not listed). */
  firmwareStates(): StationFirmwareState[] {
    return this.repo.firmwareStates();
  }

  files(stationId: string, limit = 100): StationFile[] {
    return this.repo.filesOfStation(stationId, limit).map(toFile);
  }

  /** A station's uploaded file and where its bytes are; undefined if it is not that station's or is gone. */
  file(stationId: string, fileId: number): { file: StationFile; read: () => ReadableStream<Uint8Array> } | undefined {
    const row = this.repo.file(fileId);
    if (!row || row.stationId !== stationId || !this.uploads.exists(row.storedAs)) return undefined;
    return { file: toFile(row), read: () => this.uploads.read(row.storedAs) };
  }

  private requireRow(jobId: number): JobRow {
    const row = this.repo.get(jobId);
    if (!row) throw new NotFoundError(`no job ${jobId}`);
    return row;
  }

  private toJob(row: JobRow): StationJob {
    return {
      id: row.id,
      stationId: row.stationId,
      kind: row.kind,
      family: familyOf(row.kind),
      requestId: row.requestId,
      firmwareId: row.firmwareId,
      location: row.location,
      params: JSON.parse(row.params) as Record<string, unknown>,
      status: row.status,
      state: row.state,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      history: this.repo.history(row.id) as JobStatusEntry[],
      files: this.repo.filesOfJob(row.id).map(toFile),
      result: row.result ? (JSON.parse(row.result) as Record<string, unknown>) : null,
    };
  }

  private publish(jobId: number): StationJob {
    const job = this.toJob(this.requireRow(jobId));
    this.events.publish({ type: 'station.job.updated', data: job });
    return job;
  }
}
