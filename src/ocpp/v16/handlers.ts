import type { ConnectorStatus } from '../../domain/station.ts';
import { bootResponseFields, type HandlerTable } from '../dispatcher.ts';
import { normalizeTimestamp } from '../time.ts';

const statusMap: Record<string, ConnectorStatus> = {
  Available: 'available',
  Preparing: 'preparing',
  Charging: 'charging',
  SuspendedEV: 'suspended_ev',
  SuspendedEVSE: 'suspended_evse',
  Finishing: 'finishing',
  Reserved: 'reserved',
  Unavailable: 'unavailable',
  Faulted: 'faulted',
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** OCPP 1.6: a charge point's connector N is modelled as EVSE N with one connector; connector 0 is the station. */
export const v16Handlers: HandlerTable = {
  async BootNotification(ctx, p) {
    const registration = await ctx.stations.booted(
      ctx.stationId,
      {
        vendor: text(p['chargePointVendor']),
        model: text(p['chargePointModel']),
        serialNumber: text(p['chargePointSerialNumber']) ?? text(p['chargeBoxSerialNumber']),
        firmwareVersion: text(p['firmwareVersion']),
        iccid: text(p['iccid']),
        imsi: text(p['imsi']),
        meterType: text(p['meterType']),
        meterSerialNumber: text(p['meterSerialNumber']),
      },
      null,
    );
    return bootResponseFields(ctx, registration);
  },

  Heartbeat() {
    return { currentTime: new Date().toISOString() };
  },

  async StatusNotification(ctx, p) {
    const connectorId = p['connectorId'] as number;
    const errorCode = p['errorCode'] as string;
    await ctx.stations.connectorStatus(ctx.stationId, {
      evseId: connectorId,
      connectorId: connectorId === 0 ? 0 : 1,
      status: statusMap[p['status'] as string] ?? 'unknown',
      errorCode: errorCode === 'NoError' ? null : errorCode,
      vendorErrorCode: text(p['vendorErrorCode']),
      info: text(p['info']),
      timestamp: normalizeTimestamp(p['timestamp']),
    });
    return {};
  },
};
