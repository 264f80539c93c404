/**
 * A 1.6 charging session that reports what it draws (per-phase currents and active power), for tests and
 * benchmarks that look at site power; the charging loop's meter values carry only the energy register.
 */
import type { SimStation } from './station.ts';

const VOLTAGE_V = 230;

/** StartTransaction on `connectorId` (status Charging) and a first meter value at `amps` per phase; the transaction id. */
export async function startMeteredSession(station: SimStation, connectorId: number, amps: number, idTag = `TAG-${station.id}-${connectorId}`): Promise<number> {
  const answer = await station.startTransaction(connectorId, idTag, 0);
  const transactionId = answer.transactionId as number;
  await station.statusNotification(connectorId, 'Charging');
  await sendDraw(station, connectorId, transactionId, amps);
  return transactionId;
}

/** MeterValues with Current.Import on L1–L3 and the total Power.Active.Import. */
export function sendDraw(station: SimStation, connectorId: number, transactionId: number, amps: number): Promise<unknown> {
  const sampledValue = [
    ...['L1', 'L2', 'L3'].map((phase) => ({ value: amps.toFixed(1), measurand: 'Current.Import', phase, unit: 'A' })),
    { value: String(Math.round(amps * 3 * VOLTAGE_V)), measurand: 'Power.Active.Import', unit: 'W' },
  ];
  return station.call('MeterValues', { connectorId, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue }] });
}
