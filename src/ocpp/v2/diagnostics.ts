import type { ComponentVariableRef } from '../../domain/station-event.ts';
import type { VariableMonitor } from '../../domain/monitor.ts';
import type { HandlerTable } from '../dispatcher.ts';
import { int, list, num, obj, text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

/** ComponentType + VariableType → neutral reference (no attribute type: events and monitors are about the Actual value). */
export function componentVariableFrom(component: Record<string, unknown>, variable: Record<string, unknown>): ComponentVariableRef {
  const evse = obj(component['evse']);
  return {
    component: text(component['name']) ?? '',
    componentInstance: text(component['instance']),
    evseId: int(evse['id']),
    connectorId: int(evse['connectorId']),
    variable: text(variable['name']) ?? '',
    variableInstance: text(variable['instance']),
  };
}

/** OCPP 2.x N: events and alarms, the monitor inventory, and customer information. */
export const v2Diagnostics: HandlerTable = {
  async NotifyEvent(ctx, p) {
    const events = list(p['eventData']).map((e) => ({
      ...componentVariableFrom(obj(e['component']), obj(e['variable'])),
      eventId: e['eventId'] as number,
      timestamp: normalizeTimestamp(e['timestamp']),
      trigger: e['trigger'] as string,
      cause: int(e['cause']),
      actualValue: e['actualValue'] as string,
      techCode: text(e['techCode']),
      techInfo: text(e['techInfo']),
      cleared: typeof e['cleared'] === 'boolean' ? e['cleared'] : null,
      transactionId: text(e['transactionId']),
      variableMonitoringId: int(e['variableMonitoringId']),
      eventNotificationType: e['eventNotificationType'] as string,
      severity: int(e['severity']),
    }));
    await ctx.services.stationEvents.fromStation(ctx.stationId, { generatedAt: normalizeTimestamp(p['generatedAt']), seqNo: p['seqNo'] as number }, events);
    return {};
  },

  async NotifyMonitoringReport(ctx, p) {
    const monitors: Array<Omit<VariableMonitor, 'source' | 'updatedAt'>> = [];
    for (const item of list(p['monitor'])) {
      const ref = componentVariableFrom(obj(item['component']), obj(item['variable']));
      for (const m of list(item['variableMonitoring'])) {
        monitors.push({
          ...ref,
          id: m['id'] as number,
          type: m['type'] as string,
          value: num(m['value']) ?? 0,
          severity: m['severity'] as number,
          transaction: m['transaction'] === true,
          eventNotificationType: text(m['eventNotificationType']),
        });
      }
    }
    await ctx.services.monitoring.reportPart(ctx.stationId, p['requestId'] as number, p['seqNo'] as number, p['tbc'] !== true, monitors);
    return {};
  },

  async NotifyCustomerInformation(ctx, p) {
    await ctx.services.customerInformation.part(ctx.stationId, p['requestId'] as number, {
      seqNo: p['seqNo'] as number,
      data: p['data'] as string,
      generatedAt: normalizeTimestamp(p['generatedAt']),
      last: p['tbc'] !== true,
    });
    return {};
  },
};
