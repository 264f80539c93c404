/** A simple price list: per kWh, per hour of the session and a fixed fee per session, in one currency. */
export interface Tariff {
  id: number;
  /** The id token group it applies to; null for the site default. */
  groupId: string | null;
  name: string;
  /** ISO 4217 code, e.g. EUR. Stations show costs in their own configured currency (TariffCostCtrlr.Currency). */
  currency: string;
  pricePerKwh: number;
  pricePerHour: number;
  sessionFee: number;
  /** Shown to the driver at the start of a session instead of the generated price text. */
  message: string | null;
  createdAt: string;
  updatedAt: string;
}

export type TariffInput = Pick<Tariff, 'groupId' | 'name' | 'currency' | 'pricePerKwh' | 'pricePerHour' | 'sessionFee' | 'message'>;

export interface TariffSettings {
  /** CostUpdated is sent to a 2.x station at most this often during a session; 0 turns it off. */
  costUpdateIntervalMinutes: number;
}

/** What a session costs (so far, or `final` once it ended) under the tariff that applies to it. */
export interface TransactionCost {
  transactionId: number;
  tariff: Tariff;
  currency: string;
  totalCost: number;
  energyWh: number;
  durationSeconds: number;
  final: boolean;
  computedAt: string;
  /** The last CostUpdated sent to the station during the session. */
  sentAt: string | null;
  sentCost: number | null;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function costOf(tariff: Pick<Tariff, 'pricePerKwh' | 'pricePerHour' | 'sessionFee'>, energyWh: number, durationSeconds: number): number {
  return round2(tariff.sessionFee + (energyWh / 1000) * tariff.pricePerKwh + (durationSeconds / 3600) * tariff.pricePerHour);
}

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

/** The driver-facing price text: the tariff's own message, or its non-zero prices. */
export function tariffText(tariff: Tariff): string {
  if (tariff.message) return tariff.message;
  const parts: string[] = [];
  if (tariff.pricePerKwh) parts.push(`${money(tariff.pricePerKwh, tariff.currency)}/kWh`);
  if (tariff.pricePerHour) parts.push(`${money(tariff.pricePerHour, tariff.currency)}/h`);
  if (tariff.sessionFee) parts.push(`${money(tariff.sessionFee, tariff.currency)} per session`);
  return `${tariff.name}: ${parts.length ? parts.join(' + ') : 'free'}`;
}

export function costText(cost: TransactionCost): string {
  const minutes = Math.round(cost.durationSeconds / 60);
  return `Total ${money(cost.totalCost, cost.currency)} (${(cost.energyWh / 1000).toFixed(2)} kWh, ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min)`;
}
