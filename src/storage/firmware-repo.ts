import type { Db } from './database.ts';

export interface FirmwareRow {
  id: number;
  name: string;
  size: number;
  sha256: string;
  token: string;
  storedAs: string;
  createdAt: string;
}

const columns = 'id, name, size, sha256, token, stored_as AS storedAs, created_at AS createdAt';

/** Firmware images uploaded by the operator; the bytes live in <dataDir>/firmware/. */
export class FirmwareRepo {
  private readonly insertRow;
  private readonly deleteRow;
  private readonly byId;
  private readonly byTokenStmt;
  private readonly all;

  constructor(db: Db) {
    this.insertRow = db.prepare('INSERT INTO firmware_files (name, size, sha256, token, stored_as, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.deleteRow = db.prepare('DELETE FROM firmware_files WHERE id = ?');
    this.byId = db.prepare(`SELECT ${columns} FROM firmware_files WHERE id = ?`);
    this.byTokenStmt = db.prepare(`SELECT ${columns} FROM firmware_files WHERE token = ?`);
    this.all = db.prepare(`SELECT ${columns} FROM firmware_files ORDER BY id DESC`);
  }

  insert(row: Omit<FirmwareRow, 'id'>): number {
    return Number(this.insertRow.run(row.name, row.size, row.sha256, row.token, row.storedAs, row.createdAt).lastInsertRowid);
  }

  remove(id: number): void {
    this.deleteRow.run(id);
  }

  get(id: number): FirmwareRow | undefined {
    return this.byId.get(id) as FirmwareRow | undefined;
  }

  byToken(token: string): FirmwareRow | undefined {
    return this.byTokenStmt.get(token) as FirmwareRow | undefined;
  }

  list(): FirmwareRow[] {
    return this.all.all() as FirmwareRow[];
  }
}
