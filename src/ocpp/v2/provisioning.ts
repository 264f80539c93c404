import type { ConnectorStatus } from '../../domain/station.ts';
import { bootResponseFields, type HandlerTable } from '../dispatcher.ts';
import { text } from '../payload.ts';
import { normalizeTimestamp } from '../time.ts';

const statusMap: Record<string, ConnectorStatus> = {
  Available: 'available',
  Occupied: 'occupied',
  Reserved: 'reserved',
  Unavailable: 'unavailable',
  Faulted: 'faulted',
};


/** OCPP 2.0.1 and 2.1 provisioning (2.1 is a superset for these messages). */
export const v2Provisioning: HandlerTable = {
  async BootNotification(ctx, p) {
    const cs = (p['chargingStation'] ?? {}) as Record<string, unknown>;
    const modem = (cs['modem'] ?? {}) as Record<string, unknown>;
    const registration = await ctx.services.stations.booted(
      ctx.stationId,
      {
        vendor: text(cs['vendorName']),
        model: text(cs['model']),
        serialNumber: text(cs['serialNumber']),
        firmwareVersion: text(cs['firmwareVersion']),
        iccid: text(modem['iccid']),
        imsi: text(modem['imsi']),
      },
      text(p['reason']),
    );
    await ctx.services.transactions.reconcileStation(ctx.stationId, 'reconciled-boot', new Date().toISOString());
    return bootResponseFields(ctx, registration);
  },

  Heartbeat() {
    return { currentTime: new Date().toISOString() };
  },

  async StatusNotification(ctx, p) {
    await ctx.services.stations.connectorStatus(ctx.stationId, {
      evseId: p['evseId'] as number,
      connectorId: p['connectorId'] as number,
      status: statusMap[p['connectorStatus'] as string] ?? 'unknown',
      errorCode: null,
      vendorErrorCode: null,
      info: null,
      timestamp: normalizeTimestamp(p['timestamp']),
    });
    return {};
  },
};
