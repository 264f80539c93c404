import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { databaseFile, openDatabase, type Db } from './database.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';

const at = '2025-03-01T10:00:00.000Z';

/**
 * Representative rows for the tables each migration created, written against the schema of that version
 * (columns named, so they stay valid when later migrations add columns). A charging site in miniature:
 * stations and connectors, tokens, a finished session with meter values, firmware jobs, certificates,
 * the local list, a reservation, a charging profile, a device model.
 */
const fixtures: Record<number, (db: Db) => void> = {
  1: (db) => {
    db.exec(`
      INSERT INTO stations (id, registration, ocpp_version, vendor, model, serial_number, firmware_version, status, created_at, updated_at, last_boot_at)
        VALUES ('CP-1', 'accepted', '1.6', 'Acme', 'AC22', 'SN1', '1.0', 'available', '${at}', '${at}', '${at}'),
               ('CP-2', 'pending', '2.0.1', 'Acme', 'DC50', NULL, NULL, NULL, '${at}', '${at}', NULL);
      INSERT INTO connectors (station_id, evse_id, connector_id, status, error_code, status_at) VALUES ('CP-1', 1, 1, 'charging', NULL, '${at}'), ('CP-1', 2, 1, 'faulted', 'GroundFailure', '${at}');
      INSERT INTO ocpp_messages (station_id, at, direction, message_type, message_id, action, payload) VALUES ('CP-1', '${at}', 'in', 'CALL', 'm1', 'Heartbeat', '[2,"m1","Heartbeat",{}]');
      INSERT INTO settings (key, value) VALUES ('freeVend', 'false');
    `);
  },
  2: (db) => {
    db.exec(`
      INSERT INTO id_tokens (token, type, status, group_id, label, source, created_at, updated_at) VALUES ('TAG-A', 'ISO14443', 'accepted', 'FLEET', 'Van 1', 'operator', '${at}', '${at}'),
        ('TAG-B', 'ISO14443', 'blocked', NULL, NULL, 'operator', '${at}', '${at}');
      INSERT INTO transactions (id, station_id, evse_id, connector_id, station_tx_id, id_token, auth_status, status, started_at, ended_at, meter_start_wh, meter_stop_wh, energy_wh, stop_reason, ended_by, start_key, created_at, updated_at)
        VALUES (7, 'CP-1', 1, 1, '7', 'TAG-A', 'accepted', 'ended', '${at}', '2025-03-01T11:00:00.000Z', 1000, 12000, 11000, 'Local', 'station', 'CP-1|1|TAG-A|1000|${at}', '${at}', '${at}');
      INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, unit, value, raw_value, raw_unit) VALUES
        ('CP-1', 1, 7, '2025-03-01T10:30:00.000Z', 'Energy.Active.Import.Register', 'Wh', 6000, '6.0', 'kWh'),
        ('CP-1', 1, 7, '2025-03-01T10:30:00.000Z', 'Power.Active.Import', 'W', 11000, '11000', 'W');
      INSERT INTO station_warnings (station_id, at, kind, message) VALUES ('CP-1', '${at}', 'non-conforming-message', 'StatusNotification: timestamp without zone');
      INSERT INTO data_transfers (station_id, at, direction, vendor_id, message_id, data, status) VALUES ('CP-1', '${at}', 'in', 'com.acme', 'diag', '{"x":1}', 'Accepted');
      INSERT INTO station_configuration (station_id, key, value, readonly, fetched_at) VALUES ('CP-1', 'HeartbeatInterval', '300', 0, '${at}');
      UPDATE stations SET quirks = '{"idTagSuffixSeparator":"-"}' WHERE id = 'CP-1';
    `);
  },
  3: (db) => {
    db.exec(`
      INSERT INTO firmware_files (id, name, size, sha256, token, stored_as, created_at) VALUES (1, 'fw-2.0.bin', 1024, '${'ab'.repeat(32)}', 'tok-fw', 'fw-1.bin', '${at}');
      INSERT INTO station_jobs (id, station_id, kind, request_id, firmware_id, location, status, state, created_at, updated_at) VALUES (1, 'CP-1', 'firmware', 5, 1, 'http://x/fw', 'Installed', 'succeeded', '${at}', '${at}');
      INSERT INTO station_job_history (job_id, at, status, source, detail) VALUES (1, '${at}', 'Installed', 'station', NULL);
      INSERT INTO station_files (station_id, job_id, name, content_type, size, sha256, stored_as, received_at) VALUES ('CP-1', 1, 'diag.zip', 'application/zip', 10, '${'cd'.repeat(32)}', 'up-1.zip', '${at}');
      INSERT INTO station_firmware_state (station_id, status, job_id, at) VALUES ('CP-1', 'Installed', 1, '${at}');
    `);
  },
  4: (db) => {
    db.exec(`
      INSERT INTO security_events (station_id, source, type, timestamp, tech_info, received_at) VALUES ('CP-1', 'station', 'FirmwareUpdated', '${at}', NULL, '${at}');
      INSERT INTO certificate_signing_requests (station_id, certificate_type, csr, subject, status, received_at, updated_at) VALUES ('CP-1', 'ChargingStationCertificate', '-----BEGIN CERTIFICATE REQUEST-----', 'CN=CP-1', 'pending', '${at}', '${at}');
      INSERT INTO station_certificates (station_id, certificate_type, hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number, source, reported_at) VALUES ('CP-1', 'CentralSystemRootCertificate', 'SHA256', 'aa', 'bb', '01', 'station', '${at}');
      INSERT INTO station_certificate_checks (station_id, certificate_type, checked_at) VALUES ('CP-1', 'CentralSystemRootCertificate', '${at}');
    `);
  },
  5: (db) => {
    db.exec(`
      UPDATE id_tokens SET in_local_list = 0 WHERE token = 'TAG-B';
      INSERT INTO local_list_sync (station_id, sent_version, sent_update_type, sent_revision, accepted_version, accepted_revision, accepted_at) VALUES ('CP-1', 3, 'Full', 2, 3, 2, '${at}');
      INSERT INTO reservations (id, station_id, evse_id, id_token, expires_at, status, created_at, updated_at) VALUES (1, 'CP-1', 1, 'TAG-A', '2025-03-01T12:00:00.000Z', 'used', '${at}', '${at}');
      INSERT INTO charging_profiles (station_id, profile_id, evse_id, purpose, stack_level, profile, status, answered_at, created_at, updated_at)
        VALUES ('CP-1', 10, 0, 'ChargePointMaxProfile', 0, '{"chargingProfileId":10}', 'Accepted', '${at}', '${at}', '${at}');
    `);
  },
  6: (db) => {
    db.exec(`
      INSERT INTO device_model (station_id, component, variable, value, mutability, data_type, updated_at) VALUES ('CP-2', 'OCPPCommCtrlr', 'HeartbeatInterval', '300', 'ReadWrite', 'integer', '${at}');
      INSERT INTO device_reports (station_id, request_id, kind, requested_at, status, parts_received) VALUES ('CP-2', 1, 'FullInventory', '${at}', 'Accepted', 1);
    `);
  },
};

type Row = Record<string, unknown>;

/** The tables, in the main file and (once opened as the appliance does) the attached meter-value file. */
function tables(db: Db): string[] {
  const attached = (db.pragma('database_list') as Array<{ name: string }>).some((d) => d.name === 'meter');
  const from = attached ? '(SELECT type, name FROM main.sqlite_master UNION ALL SELECT type, name FROM meter.sqlite_master)' : 'sqlite_master';
  return (db.prepare(`SELECT name FROM ${from} WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

/** A value for a column that satisfies a simple CHECK (x IN (...)) or (x BETWEEN a AND b) in the table's SQL. */
function valueFor(tableSql: string, column: { name: string; type: string }): unknown {
  const inList = new RegExp(`CHECK\\s*\\(\\s*${column.name}\\s+IN\\s*\\(([^)]*)\\)`, 'i').exec(tableSql)?.[1];
  if (inList) {
    const first = inList.split(',')[0]!.trim();
    return first.startsWith("'") ? first.slice(1, -1) : Number(first);
  }
  const between = new RegExp(`CHECK\\s*\\(\\s*${column.name}\\s+BETWEEN\\s+(-?\\d+)`, 'i').exec(tableSql)?.[1];
  if (between) return Number(between);
  const type = column.type.toUpperCase();
  if (type.includes('INT')) return 1;
  if (type.includes('REAL') || type.includes('NUM')) return 1.5;
  return /_at$/.test(column.name) ? at : `auto-${column.name}`;
}

/** One row in every table that the fixtures left empty (tables of later migrations), where its constraints allow. */
function autoFill(db: Db): { filled: string[]; skipped: string[] } {
  const filled: string[] = [];
  const failures = new Map<string, string>();
  // Several passes, so that a table referencing another is filled once the other has its row.
  for (let pass = 0, progress = true; pass < 5 && progress; pass++) {
    progress = false;
    for (const table of tables(db)) {
      if ((db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n > 0 || table === 'schema_migrations') continue;
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql;
      const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>;
      const chosen = columns.filter((c) => c.notnull || c.pk || c.dflt_value === null);
      try {
        db.prepare(`INSERT INTO "${table}" (${chosen.map((c) => `"${c.name}"`).join(', ')}) VALUES (${chosen.map(() => '?').join(', ')})`).run(...chosen.map((c) => valueFor(sql, c) as never));
        filled.push(table);
        failures.delete(table);
        progress = true;
      } catch (error) {
        failures.set(table, (error as Error).message);
      }
    }
  }
  return { filled, skipped: [...failures].map(([table, why]) => `${table} (${why})`) };
}

function dump(db: Db): Map<string, Row[]> {
  return new Map(tables(db).filter((t) => t !== 'schema_migrations').map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all() as Row[]]));
}

/** Rows of `before` missing from `after`, comparing the columns each row had before (later migrations may add some). */
function missingRows(before: Map<string, Row[]>, after: Map<string, Row[]>): string[] {
  const missing: string[] = [];
  for (const [table, rows] of before) {
    const later = after.get(table);
    if (!later) {
      if (rows.length) missing.push(`table ${table} (${rows.length} rows) is gone`);
      continue;
    }
    const keys = (row: Row, columns: string[]) => JSON.stringify(columns.map((c) => row[c]));
    for (const row of rows) {
      const columns = Object.keys(row);
      const want = keys(row, columns);
      if (!later.some((candidate) => keys(candidate, columns) === want)) missing.push(`${table}: ${JSON.stringify(row).slice(0, 200)}`);
    }
  }
  return missing;
}

describe('upgrades from every earlier schema version', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ampyard-upgrade-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const latest = ordered.at(-1)!.version;

  for (let i = 0; i < ordered.length - 1; i++) {
    const version = ordered[i]!.version;
    it(`a populated database at schema ${version} upgrades to ${latest} with its data intact`, (t) => {
      const original = join(scratch, `schema-${version}.sqlite`);
      const old = new BetterSqlite3(original);
      migrate(old, ordered.slice(0, i + 1));
      for (const m of ordered.slice(0, i + 1)) fixtures[m.version]?.(old);
      const { filled, skipped } = autoFill(old);
      const before = dump(old);
      const fkBefore = (old.pragma('foreign_key_check') as unknown[]).length;
      old.close();

      // Forward on a copy, the way the appliance opens it (WAL, foreign keys, every migration left).
      const dataDir = join(scratch, `upgraded-${version}`);
      mkdirSync(dataDir);
      copyFileSync(original, databaseFile(dataDir));
      const notices: Array<[number, number[]]> = [];
      const db = openDatabase(dataDir, { onUpgrade: (from, pending) => notices.push([from, pending]) });
      try {
        assert.deepEqual(notices, [[version, ordered.slice(i + 1).map((m) => m.version)]], 'the upgrade is announced before it runs');
        const applied = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
        assert.deepEqual(applied, ordered.map((m) => m.version));
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(missingRows(before, dump(db)).slice(0, 10), [], 'rows lost or changed by the upgrade');
        assert.ok((db.pragma('foreign_key_check') as unknown[]).length <= fkBefore, 'no new foreign key violations');
        const rows = [...before.values()].reduce((n, r) => n + r.length, 0);
        t.diagnostic(`${rows} rows in ${before.size} tables${filled.length ? `; generated rows for ${filled.join(', ')}` : ''}${skipped.length ? `; could not generate: ${skipped.join('; ')}` : ''}`);
      } finally {
        db.close();
      }
      const untouched = new BetterSqlite3(original, { readonly: true });
      assert.equal((untouched.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v, version, 'the original is left as it was');
      untouched.close();
    });
  }
});
