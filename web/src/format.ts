// Display formatting. Dates use the browser's locale and time zone.

import type { ConnectorStatus, Station } from './station-types.ts';

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const STATUS_LABELS: Record<ConnectorStatus, string> = {
  available: 'Available',
  preparing: 'Preparing',
  charging: 'Charging',
  suspended_ev: 'Suspended (EV)',
  suspended_evse: 'Suspended (charger)',
  finishing: 'Finishing',
  reserved: 'Reserved',
  unavailable: 'Unavailable',
  faulted: 'Faulted',
  occupied: 'Occupied',
  unknown: 'Unknown',
};

export function statusLabel(status: ConnectorStatus | null): string {
  if (!status) return 'No status yet';
  return STATUS_LABELS[status] ?? status;
}

/** Colour family of a status chip; matches `.chip--<tone>` in styles. */
export type StatusTone = 'ok' | 'active' | 'waiting' | 'fault' | 'off';

export function statusTone(status: ConnectorStatus | null): StatusTone {
  switch (status) {
    case 'available':
      return 'ok';
    case 'charging':
      return 'active';
    case 'preparing':
    case 'suspended_ev':
    case 'suspended_evse':
    case 'finishing':
    case 'reserved':
    case 'occupied':
      return 'waiting';
    case 'faulted':
      return 'fault';
    default:
      return 'off';
  }
}

/** The error code worth showing, or null for none / "NoError". */
export function visibleErrorCode(errorCode: string | null | undefined): string | null {
  if (!errorCode || errorCode === 'NoError') return null;
  return errorCode;
}

export function vendorAndModel(station: Station): string {
  return [station.vendor, station.model].filter(Boolean).join(' ') || '—';
}

/** The URL a charging station should be configured with, as seen from this browser. */
export function ocppEndpointHint(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ocpp/<station id>`;
}
