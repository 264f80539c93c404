import type { MonitoringState, VariableMonitor } from '../domain/monitor.ts';
import type { Db } from './database.ts';

const columns = `monitor_id AS id, component, component_instance AS componentInstance, evse_id AS evseId, connector_id AS connectorId, variable,
  variable_instance AS variableInstance, type, value, severity, transaction_only AS "transaction", event_notification_type AS eventNotificationType,
  source, updated_at AS updatedAt`;

type Row = Omit<VariableMonitor, 'transaction'> & { transaction: number };

export class MonitorsRepo {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      upsert: db.prepare(`INSERT INTO station_monitors (station_id, monitor_id, component, component_instance, evse_id, connector_id, variable,
          variable_instance, type, value, severity, transaction_only, event_notification_type, source, updated_at)
        VALUES (@stationId, @id, @component, @componentInstance, @evseId, @connectorId, @variable, @variableInstance, @type, @value, @severity,
          @transaction, @eventNotificationType, @source, @updatedAt)
        ON CONFLICT DO UPDATE SET component = excluded.component, component_instance = excluded.component_instance, evse_id = excluded.evse_id,
          connector_id = excluded.connector_id, variable = excluded.variable, variable_instance = excluded.variable_instance, type = excluded.type,
          value = excluded.value, severity = excluded.severity, transaction_only = excluded.transaction_only,
          event_notification_type = COALESCE(excluded.event_notification_type, event_notification_type), source = excluded.source,
          updated_at = excluded.updated_at`),
      remove: db.prepare('DELETE FROM station_monitors WHERE station_id = ? AND monitor_id = ?'),
      removeOlder: db.prepare('DELETE FROM station_monitors WHERE station_id = ? AND updated_at < ?'),
      removeCustom: db.prepare(`DELETE FROM station_monitors WHERE station_id = ? AND (source = 'ampyard' OR event_notification_type = 'CustomMonitor')`),
      list: db.prepare(`SELECT ${columns} FROM station_monitors WHERE station_id = ? ORDER BY monitor_id`),
      severity: db.prepare('SELECT severity FROM station_monitors WHERE station_id = ? AND monitor_id = ?'),
      state: db.prepare(`SELECT monitoring_base AS monitoringBase, monitoring_base_at AS monitoringBaseAt, monitoring_level AS monitoringLevel,
          monitoring_level_at AS monitoringLevelAt FROM station_monitoring WHERE station_id = ?`),
      base: db.prepare(`INSERT INTO station_monitoring (station_id, monitoring_base, monitoring_base_at) VALUES (?, ?, ?)
        ON CONFLICT DO UPDATE SET monitoring_base = excluded.monitoring_base, monitoring_base_at = excluded.monitoring_base_at`),
      level: db.prepare(`INSERT INTO station_monitoring (station_id, monitoring_level, monitoring_level_at) VALUES (?, ?, ?)
        ON CONFLICT DO UPDATE SET monitoring_level = excluded.monitoring_level, monitoring_level_at = excluded.monitoring_level_at`),
    };
  }

  upsert(stationId: string, monitor: VariableMonitor): void {
    this.s.upsert.run({ ...monitor, stationId, transaction: monitor.transaction ? 1 : 0 });
  }

  remove(stationId: string, monitorId: number): void {
    this.s.remove.run(stationId, monitorId);
  }

  /** Monitors not seen since `at` (e.g. absent from a complete monitoring report requested at `at`). */
  removeOlderThan(stationId: string, at: string): number {
    return this.s.removeOlder.run(stationId, at).changes;
  }

  removeCustom(stationId: string): number {
    return this.s.removeCustom.run(stationId).changes;
  }

  list(stationId: string): VariableMonitor[] {
    return (this.s.list.all(stationId) as Row[]).map((r) => ({ ...r, transaction: r.transaction === 1 }));
  }

  severity(stationId: string, monitorId: number): number | null {
    return (this.s.severity.get(stationId, monitorId) as { severity: number } | undefined)?.severity ?? null;
  }

  state(stationId: string): MonitoringState {
    return (this.s.state.get(stationId) as MonitoringState | undefined) ?? { monitoringBase: null, monitoringBaseAt: null, monitoringLevel: null, monitoringLevelAt: null };
  }

  setBase(stationId: string, base: string, at: string): void {
    this.s.base.run(stationId, base, at);
  }

  setLevel(stationId: string, level: number, at: string): void {
    this.s.level.run(stationId, level, at);
  }
}
