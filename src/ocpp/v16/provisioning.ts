import type { ConnectorStatus } from '../../domain/station.ts';
import { bootResponseFields, type HandlerTable } from '../dispatcher.ts';
import { normalizeTimestamp } from '../time.ts';
import { text } from '../payload.ts';

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

/** OCPP 1.6: a charge point's connector N is modelled as EVSE N with one connector; connector 0 is the station. */
export const v16Provisioning: HandlerTable = {
  async BootNotification(ctx, p) {
    const { stations, transactions } = ctx.services;
    const registration = await stations.booted(
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
    // A rebooted station has no running transactions; close what it left open (its own late stop corrects it).
    await transactions.reconcileStation(ctx.stationId, 'reconciled-boot', new Date().toISOString());
    return bootResponseFields(ctx, registration);
  },

  Heartbeat() {
    return { currentTime: new Date().toISOString() };
  },

  async StatusNotification(ctx, p) {
    const connectorId = p['connectorId'] as number;
    const errorCode = p['errorCode'] as string;
    const status = statusMap[p['status'] as string] ?? 'unknown';
    const timestamp = normalizeTimestamp(p['timestamp']);
    await ctx.services.stations.connectorStatus(ctx.stationId, {
      evseId: connectorId,
      connectorId: connectorId === 0 ? 0 : 1,
      status,
      errorCode: errorCode === 'NoError' ? null : errorCode,
      vendorErrorCode: text(p['vendorErrorCode']),
      info: text(p['info']),
      timestamp,
    });
    if (status === 'available' && connectorId > 0) await ctx.services.transactions.reconcileEvse(ctx.stationId, connectorId, timestamp);
    return {};
  },
};
