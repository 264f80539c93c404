// Power and energy for people: W/kW and Wh/kWh with the browser's number format.

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatPower(watts: number | null | undefined): string {
  if (watts === null || watts === undefined) return '—';
  return Math.abs(watts) >= 1000 ? `${oneDecimal.format(watts / 1000)} kW` : `${whole.format(watts)} W`;
}

export function formatEnergy(wh: number | null | undefined): string {
  if (wh === null || wh === undefined) return '—';
  return Math.abs(wh) >= 1000 ? `${oneDecimal.format(wh / 1000)} kWh` : `${whole.format(wh)} Wh`;
}

/** Energy so far of a session: the final figure, or the last meter reading minus the start. */
export function sessionEnergyWh(tx: { energyWh: number | null; lastMeterWh: number | null; meterStartWh: number | null }): number | null {
  if (tx.energyWh !== null) return tx.energyWh;
  if (tx.lastMeterWh !== null && tx.meterStartWh !== null) return tx.lastMeterWh - tx.meterStartWh;
  return null;
}
