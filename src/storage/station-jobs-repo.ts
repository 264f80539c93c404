import type { JobKind, JobState, JobStatusEntry, StationFile, StationFirmwareState } from '../domain/station-job.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

export interface JobRow {
  id: number;
  stationId: string;
  kind: JobKind;
  requestId: number | null;
  firmwareId: number | null;
  location: string;
  uploadToken: string | null;
  uploadOpen: number;
  fileName: string | null;
  params: string;
  status: string;
  state: JobState;
  createdAt: string;
  updatedAt: string;
  /** JSON: what the station reported beyond its status. */
  result: string | null;
}

export interface FileRow extends StationFile {
  storedAs: string;
}

const jobColumns = `id, station_id AS stationId, kind, request_id AS requestId, firmware_id AS firmwareId, location,
  upload_token AS uploadToken, upload_open AS uploadOpen, file_name AS fileName, params, status, state, created_at AS createdAt, updated_at AS updatedAt, result`;
const fileColumns = `id, station_id AS stationId, job_id AS jobId, name, content_type AS contentType, size, sha256, stored_as AS storedAs,
  received_at AS receivedAt`;
const openStates = `state IN ('pending', 'active')`;

/** Firmware and log jobs, their status history, the files stations uploaded, and each station's firmware status. */
export class StationJobsRepo {
  private readonly db: Db;
  private readonly byKinds = new Map<string, Statement<unknown[]>>();
  private readonly insertJobStmt;
  private readonly setRequestIdStmt;
  private readonly setStatusStmt;
  private readonly closeUploadStmt;
  private readonly setFileNameStmt;
  private readonly setResultStmt;
  private readonly insertHistoryStmt;
  private readonly jobById;
  private readonly jobByTokenStmt;
  private readonly historyStmt;
  private readonly insertFileStmt;
  private readonly fileById;
  private readonly filesByStation;
  private readonly filesByJob;
  private readonly setFirmwareStateStmt;
  private readonly firmwareStateStmt;
  private readonly firmwareStatesStmt;
  private readonly openUsingFirmware;

  constructor(db: Db) {
    this.db = db;
    this.insertJobStmt = db.prepare(`INSERT INTO station_jobs (station_id, kind, firmware_id, location, upload_token, upload_open, params, status, state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.setRequestIdStmt = db.prepare('UPDATE station_jobs SET request_id = ? WHERE id = ?');
    this.setStatusStmt = db.prepare('UPDATE station_jobs SET status = ?, state = ?, updated_at = ? WHERE id = ?');
    this.closeUploadStmt = db.prepare('UPDATE station_jobs SET upload_open = 0 WHERE id = ?');
    this.setFileNameStmt = db.prepare('UPDATE station_jobs SET file_name = ? WHERE id = ?');
    this.setResultStmt = db.prepare('UPDATE station_jobs SET result = ? WHERE id = ?');
    this.insertHistoryStmt = db.prepare('INSERT INTO station_job_history (job_id, at, status, source, detail) VALUES (?, ?, ?, ?, ?)');
    this.jobById = db.prepare(`SELECT ${jobColumns} FROM station_jobs WHERE id = ?`);
    this.jobByTokenStmt = db.prepare(`SELECT ${jobColumns} FROM station_jobs WHERE upload_token = ? AND upload_open = 1`);
    this.historyStmt = db.prepare('SELECT at, status, source, detail FROM station_job_history WHERE job_id = ? ORDER BY id');
    this.insertFileStmt = db.prepare(`INSERT INTO station_files (station_id, job_id, name, content_type, size, sha256, stored_as, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.fileById = db.prepare(`SELECT ${fileColumns} FROM station_files WHERE id = ?`);
    this.filesByStation = db.prepare(`SELECT ${fileColumns} FROM station_files WHERE station_id = ? ORDER BY id DESC LIMIT ?`);
    this.filesByJob = db.prepare(`SELECT ${fileColumns} FROM station_files WHERE job_id = ? ORDER BY id`);
    this.setFirmwareStateStmt = db.prepare(`INSERT INTO station_firmware_state (station_id, status, job_id, at) VALUES (?, ?, ?, ?)
      ON CONFLICT (station_id) DO UPDATE SET status = excluded.status, job_id = excluded.job_id, at = excluded.at`);
    this.firmwareStateStmt = db.prepare('SELECT station_id AS stationId, status, job_id AS jobId, at FROM station_firmware_state WHERE station_id = ?');
    this.firmwareStatesStmt = db.prepare('SELECT station_id AS stationId, status, job_id AS jobId, at FROM station_firmware_state ORDER BY station_id');
    this.openUsingFirmware = db.prepare(`SELECT COUNT(*) AS n FROM station_jobs WHERE firmware_id = ? AND ${openStates}`);
  }

  insertJob(job: {
    stationId: string;
    kind: JobKind;
    firmwareId: number | null;
    location: string;
    uploadToken: string | null;
    params: Record<string, unknown>;
    status: string;
    state: JobState;
    at: string;
  }): number {
    const result = this.insertJobStmt.run(
      job.stationId, job.kind, job.firmwareId, job.location, job.uploadToken, job.uploadToken ? 1 : 0,
      JSON.stringify(job.params), job.status, job.state, job.at, job.at,
    );
    return Number(result.lastInsertRowid);
  }

  setRequestId(id: number, requestId: number): void {
    this.setRequestIdStmt.run(requestId, id);
  }

  setStatus(id: number, status: string, state: JobState, at: string): void {
    this.setStatusStmt.run(status, state, at, id);
  }

  closeUpload(id: number): void {
    this.closeUploadStmt.run(id);
  }

  /** The name the station said its upload will have. */
  setFileName(id: number, name: string): void {
    this.setFileNameStmt.run(name, id);
  }

  setResult(id: number, result: Record<string, unknown>): void {
    this.setResultStmt.run(JSON.stringify(result), id);
  }

  addHistory(jobId: number, entry: JobStatusEntry): void {
    this.insertHistoryStmt.run(jobId, entry.at, entry.status, entry.source, entry.detail);
  }

  get(id: number): JobRow | undefined {
    return this.jobById.get(id) as JobRow | undefined;
  }

  byUploadToken(token: string): JobRow | undefined {
    return this.jobByTokenStmt.get(token) as JobRow | undefined;
  }

  byRequestId(stationId: string, requestId: number, kinds: JobKind[]): JobRow | undefined {
    return this.withKinds(kinds, `SELECT ${jobColumns} FROM station_jobs WHERE station_id = ? AND request_id = ? AND kind IN (?kinds) ORDER BY id DESC LIMIT 1`).get(stationId, requestId, ...kinds) as JobRow | undefined;
  }

  /** Unfinished jobs of these kinds on a station, newest first. */
  open(stationId: string, kinds: JobKind[]): JobRow[] {
    return this.withKinds(kinds, `SELECT ${jobColumns} FROM station_jobs WHERE station_id = ? AND ${openStates} AND kind IN (?kinds) ORDER BY id DESC`).all(stationId, ...kinds) as JobRow[];
  }

  /**
   * Jobs a station may still report on, newest first: unfinished ones, those whose file arrived before the
   * station's own final status, and those whose request timed out (the station may have taken it anyway).
   */
  awaitingStation(stationId: string, kinds: JobKind[]): JobRow[] {
    const sql = `SELECT ${jobColumns} FROM station_jobs WHERE station_id = ? AND (${openStates} OR status IN ('received', 'no_answer')) AND kind IN (?kinds) ORDER BY id DESC`;
    return this.withKinds(kinds, sql).all(stationId, ...kinds) as JobRow[];
  }

  list(stationId: string, kinds: JobKind[], limit: number): JobRow[] {
    return this.withKinds(kinds, `SELECT ${jobColumns} FROM station_jobs WHERE station_id = ? AND kind IN (?kinds) ORDER BY id DESC LIMIT ?`).all(stationId, ...kinds, limit) as JobRow[];
  }

  /** A prepared statement whose `?kinds` stands for one placeholder per kind; kept per shape. */
  private withKinds(kinds: JobKind[], sql: string): Statement<unknown[]> {
    const text = sql.replace('?kinds', kinds.map(() => '?').join(', '));
    let statement = this.byKinds.get(text);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(text);
      this.byKinds.set(text, statement);
    }
    return statement;
  }

  history(jobId: number): JobStatusEntry[] {
    return this.historyStmt.all(jobId) as JobStatusEntry[];
  }

  openJobsUsingFirmware(firmwareId: number): number {
    return (this.openUsingFirmware.get(firmwareId) as { n: number }).n;
  }

  insertFile(file: Omit<FileRow, 'id'>): number {
    const result = this.insertFileStmt.run(file.stationId, file.jobId, file.name, file.contentType, file.size, file.sha256, file.storedAs, file.receivedAt);
    return Number(result.lastInsertRowid);
  }

  file(id: number): FileRow | undefined {
    return this.fileById.get(id) as FileRow | undefined;
  }

  filesOfStation(stationId: string, limit: number): FileRow[] {
    return this.filesByStation.all(stationId, limit) as FileRow[];
  }

  filesOfJob(jobId: number): FileRow[] {
    return this.filesByJob.all(jobId) as FileRow[];
  }

  setFirmwareState(state: StationFirmwareState): void {
    this.setFirmwareStateStmt.run(state.stationId, state.status, state.jobId, state.at);
  }

  firmwareState(stationId: string): StationFirmwareState | undefined {
    return this.firmwareStateStmt.get(stationId) as StationFirmwareState | undefined;
  }

  firmwareStates(): StationFirmwareState[] {
    return this.firmwareStatesStmt.all() as StationFirmwareState[];
  }
}
