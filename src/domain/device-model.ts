import type { Db } from '../storage/database.ts';
import type { WriteQueue } from '../storage/write-queue.ts';

/** One variable attribute of an OCPP 2.x station's device model. */
export interface DeviceVariable {
  component: string;
  componentInstance: string | null;
  evseId: number | null;
  connectorId: number | null;
  variable: string;
  variableInstance: string | null;
  attributeType: string;
  value: string | null;
  mutability: string | null;
  persistent: boolean | null;
  constant: boolean | null;
  dataType: string | null;
  unit: string | null;
  minLimit: number | null;
  maxLimit: number | null;
  valuesList: string | null;
  supportsMonitoring: boolean | null;
  updatedAt: string;
}

export interface VariableRef {
  component: string;
  componentInstance?: string | null;
  evseId?: number | null;
  connectorId?: number | null;
  variable: string;
  variableInstance?: string | null;
  attributeType?: string;
}

/**
 * Configuration keys of 2.x stations in one string, so the same "configuration" API serves 1.6 keys and 2.x
 * variables: `Component[:instance][@evse[.connector]]/Variable[:instance]`, e.g. `OCPPCommCtrlr/HeartbeatInterval`,
 * `EVSE@1/Power`.
 */
export function parseVariableKey(key: string): VariableRef | undefined {
  const match = /^([A-Za-z0-9_]+)(?::([^@/]+))?(?:@(\d+)(?:\.(\d+))?)?\/([A-Za-z0-9_]+)(?::([^/]+))?$/.exec(key);
  if (!match) return undefined;
  return {
    component: match[1]!,
    componentInstance: match[2] ?? null,
    evseId: match[3] !== undefined ? Number(match[3]) : null,
    connectorId: match[4] !== undefined ? Number(match[4]) : null,
    variable: match[5]!,
    variableInstance: match[6] ?? null,
  };
}

export function variableKey(v: VariableRef): string {
  let component = v.component;
  if (v.componentInstance) component += `:${v.componentInstance}`;
  if (v.evseId !== null && v.evseId !== undefined) component += `@${v.evseId}${v.connectorId !== null && v.connectorId !== undefined ? `.${v.connectorId}` : ''}`;
  return `${component}/${v.variable}${v.variableInstance ? `:${v.variableInstance}` : ''}`;
}

/** OCPP 2.x ComponentType/VariableType from a neutral reference. */
export function toOcppComponentVariable(ref: VariableRef): { component: Record<string, unknown>; variable: Record<string, unknown> } {
  const component: Record<string, unknown> = { name: ref.component };
  if (ref.componentInstance) component['instance'] = ref.componentInstance;
  if (ref.evseId !== null && ref.evseId !== undefined) component['evse'] = ref.connectorId ? { id: ref.evseId, connectorId: ref.connectorId } : { id: ref.evseId };
  const variable: Record<string, unknown> = { name: ref.variable };
  if (ref.variableInstance) variable['instance'] = ref.variableInstance;
  return { component, variable };
}

type Row = Record<string, unknown>;

/**
 * The device model of each 2.x station as reported (NotifyReport, possibly in many parts, reassembled by
 * requestId/seqNo) and as read or set since (GetVariables/SetVariables).
 */
export class DeviceModelService {
  private readonly writes: WriteQueue;
  private readonly s;
  private readonly db: Db;

  constructor(db: Db, writes: WriteQueue) {
    this.db = db;
    this.writes = writes;
    this.s = {
      upsert: db.prepare(`INSERT INTO device_model (station_id, component, component_instance, evse_id, connector_id, variable, variable_instance,
          attribute_type, value, mutability, persistent, constant, data_type, unit, min_limit, max_limit, values_list, supports_monitoring, updated_at)
        VALUES (@stationId, @component, @componentInstance, @evseId, @connectorId, @variable, @variableInstance, @attributeType, @value, @mutability,
          @persistent, @constant, @dataType, @unit, @minLimit, @maxLimit, @valuesList, @supportsMonitoring, @updatedAt)
        ON CONFLICT DO UPDATE SET value = COALESCE(excluded.value, value), mutability = COALESCE(excluded.mutability, mutability),
          persistent = COALESCE(excluded.persistent, persistent), constant = COALESCE(excluded.constant, constant),
          data_type = COALESCE(excluded.data_type, data_type), unit = COALESCE(excluded.unit, unit), min_limit = COALESCE(excluded.min_limit, min_limit),
          max_limit = COALESCE(excluded.max_limit, max_limit), values_list = COALESCE(excluded.values_list, values_list),
          supports_monitoring = COALESCE(excluded.supports_monitoring, supports_monitoring), updated_at = excluded.updated_at`),
      // Request ids are never reused (nextRequestId), so a row that exists already holds parts that overtook the
      // station's answer (a station may send NotifyReport before Ampyard has recorded that answer): they are kept.
      request: db.prepare(`INSERT INTO device_reports (station_id, request_id, kind, requested_at) VALUES (?, ?, ?, ?)
        ON CONFLICT DO UPDATE SET kind = excluded.kind, requested_at = MIN(requested_at, excluded.requested_at), status = NULL`),
      requestStatus: db.prepare('UPDATE device_reports SET status = ? WHERE station_id = ? AND request_id = ?'),
      part: db.prepare(`INSERT INTO device_reports (station_id, request_id, kind, requested_at, parts_received, last_seq_no, completed_at)
          VALUES (@stationId, @requestId, 'unsolicited', @at, 1, @seqNo, @completedAt)
        ON CONFLICT DO UPDATE SET parts_received = parts_received + 1, last_seq_no = MAX(COALESCE(last_seq_no, -1), @seqNo),
          completed_at = COALESCE(@completedAt, completed_at)`),
      reports: db.prepare(`SELECT request_id AS requestId, kind, requested_at AS requestedAt, status, parts_received AS partsReceived,
          last_seq_no AS lastSeqNo, completed_at AS completedAt FROM device_reports WHERE station_id = ? ORDER BY requested_at DESC LIMIT 50`),
    };
  }

  private row(stationId: string, ref: VariableRef, fields: Partial<DeviceVariable>, at: string): Row {
    const bool = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 1 : 0);
    return {
      stationId,
      component: ref.component,
      componentInstance: ref.componentInstance ?? '',
      evseId: ref.evseId ?? -1,
      connectorId: ref.connectorId ?? -1,
      variable: ref.variable,
      variableInstance: ref.variableInstance ?? '',
      attributeType: ref.attributeType ?? 'Actual',
      value: fields.value ?? null,
      mutability: fields.mutability ?? null,
      persistent: bool(fields.persistent),
      constant: bool(fields.constant),
      dataType: fields.dataType ?? null,
      unit: fields.unit ?? null,
      minLimit: fields.minLimit ?? null,
      maxLimit: fields.maxLimit ?? null,
      valuesList: fields.valuesList ?? null,
      supportsMonitoring: bool(fields.supportsMonitoring),
      updatedAt: at,
    };
  }

  reportRequested(stationId: string, requestId: number, kind: string, status: string): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      this.s.request.run(stationId, requestId, kind, at);
      this.s.requestStatus.run(status, stationId, requestId);
    });
  }

  /** One NotifyReport part; parts may come in any order and each is stored as it comes. */
  reportPart(stationId: string, requestId: number, seqNo: number, last: boolean, entries: Array<{ ref: VariableRef; fields: Partial<DeviceVariable> }>): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      for (const e of entries) this.s.upsert.run(this.row(stationId, e.ref, e.fields, at));
      this.s.part.run({ stationId, requestId, seqNo, at, completedAt: last ? at : null });
    });
  }

  /** Values read (GetVariables) or set (SetVariables) and accepted by the station. */
  store(stationId: string, values: Array<{ ref: VariableRef; value: string | null }>): Promise<void> {
    const at = new Date().toISOString();
    return this.writes.run(() => {
      for (const v of values) this.s.upsert.run(this.row(stationId, v.ref, { value: v.value }, at));
    });
  }

  list(stationId: string, filter: { component?: string; variable?: string } = {}): DeviceVariable[] {
    const where = ['station_id = ?'];
    const args: unknown[] = [stationId];
    if (filter.component) {
      where.push('component = ?');
      args.push(filter.component);
    }
    if (filter.variable) {
      where.push('variable = ?');
      args.push(filter.variable);
    }
    const rows = this.db.prepare(`SELECT * FROM device_model WHERE ${where.join(' AND ')} ORDER BY component, component_instance, evse_id, connector_id, variable, variable_instance, attribute_type`).all(...args) as Row[];
    const bool = (v: unknown) => (v === null ? null : v === 1);
    return rows.map((r) => ({
      component: r['component'] as string,
      componentInstance: (r['component_instance'] as string) || null,
      evseId: r['evse_id'] === -1 ? null : (r['evse_id'] as number),
      connectorId: r['connector_id'] === -1 ? null : (r['connector_id'] as number),
      variable: r['variable'] as string,
      variableInstance: (r['variable_instance'] as string) || null,
      attributeType: r['attribute_type'] as string,
      value: r['value'] as string | null,
      mutability: r['mutability'] as string | null,
      persistent: bool(r['persistent']),
      constant: bool(r['constant']),
      dataType: r['data_type'] as string | null,
      unit: r['unit'] as string | null,
      minLimit: r['min_limit'] as number | null,
      maxLimit: r['max_limit'] as number | null,
      valuesList: r['values_list'] as string | null,
      supportsMonitoring: bool(r['supports_monitoring']),
      updatedAt: r['updated_at'] as string,
    }));
  }

  reports(stationId: string): unknown[] {
    return this.s.reports.all(stationId);
  }
}
