import type { ExportsRepo, MeterExportFilter, RowCursor, SessionExportFilter } from '../storage/exports-repo.ts';

export type ColumnKind = 'text' | 'number' | 'boolean';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
}

/** The columns of a sessions export, in the order of ExportsRepo's rows. */
export const sessionColumns: ExportColumn[] = [
  { name: 'id', kind: 'number' },
  { name: 'stationId', kind: 'text' },
  { name: 'evseId', kind: 'number' },
  { name: 'connectorId', kind: 'number' },
  { name: 'stationTxId', kind: 'text' },
  { name: 'status', kind: 'text' },
  { name: 'startedAt', kind: 'text' },
  { name: 'endedAt', kind: 'text' },
  { name: 'durationSeconds', kind: 'number' },
  { name: 'idToken', kind: 'text' },
  { name: 'idTokenType', kind: 'text' },
  { name: 'groupId', kind: 'text' },
  { name: 'authStatus', kind: 'text' },
  { name: 'stopIdToken', kind: 'text' },
  { name: 'reservationId', kind: 'number' },
  { name: 'meterStartWh', kind: 'number' },
  { name: 'meterStopWh', kind: 'number' },
  { name: 'energyWh', kind: 'number' },
  { name: 'stopReason', kind: 'text' },
  { name: 'endedBy', kind: 'text' },
  { name: 'offline', kind: 'boolean' },
];

/** The columns of a meter values export (values normalised to Wh, W, A…; the station's own in rawValue/rawUnit). */
export const meterValueColumns: ExportColumn[] = [
  { name: 'id', kind: 'number' },
  { name: 'stationId', kind: 'text' },
  { name: 'evseId', kind: 'number' },
  { name: 'transactionId', kind: 'number' },
  { name: 'timestamp', kind: 'text' },
  { name: 'measurand', kind: 'text' },
  { name: 'phase', kind: 'text' },
  { name: 'location', kind: 'text' },
  { name: 'context', kind: 'text' },
  { name: 'unit', kind: 'text' },
  { name: 'value', kind: 'number' },
  { name: 'rawValue', kind: 'text' },
  { name: 'rawUnit', kind: 'text' },
  { name: 'signedData', kind: 'text' },
];

export interface Export {
  columns: ExportColumn[];
  rows: RowCursor;
}

export class TooManyExportsError extends Error {
  constructor(limit: number) {
    super(`${limit} exports are running already; try again when one has finished`);
    this.name = 'TooManyExportsError';
  }
}

/**
 * Sessions and meter values for download, row by row in chunks, never all in memory. A few at a time: each
 * holds a database snapshot and uses CPU while it runs.
 */
export class ExportService {
  private readonly repo: ExportsRepo;
  private readonly maxConcurrent: number;
  private running = 0;

  constructor(repo: ExportsRepo, maxConcurrent = 4) {
    this.repo = repo;
    this.maxConcurrent = maxConcurrent;
  }

  sessions(filter: SessionExportFilter): Export {
    return this.begin(sessionColumns, () => this.repo.sessions(filter));
  }

  meterValues(filter: MeterExportFilter): Export {
    return this.begin(meterValueColumns, () => this.repo.meterValues(filter));
  }

  get active(): number {
    return this.running;
  }

  private begin(columns: ExportColumn[], open: () => RowCursor): Export {
    if (this.running >= this.maxConcurrent) throw new TooManyExportsError(this.maxConcurrent);
    const cursor = open();
    this.running++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.running--;
    };
    return {
      columns,
      rows: {
        get done() {
          return cursor.done;
        },
        next(max) {
          try {
            const chunk = cursor.next(max);
            if (cursor.done) release();
            return chunk;
          } catch (error) {
            release();
            throw error;
          }
        },
        close() {
          cursor.close();
          release();
        },
      },
    };
  }
}
