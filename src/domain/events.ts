import type { CertificateSigningRequest } from './certificate.ts';
import type { SecurityEvent } from './security-event.ts';
import type { FirmwareFile } from './firmware-library.ts';
import type { ConnectorStatus, Registration, Station } from './station.ts';
import type { StationFile, StationFirmwareState, StationJob } from './station-job.ts';
import type { Transaction } from './transaction.ts';
import type { StationEvent } from './station-event.ts';
import type { LocalListStatus } from './local-list.ts';
import type { Reservation } from './reservation.ts';
import type { ChargingLimit } from './charging-limits.ts';
import type { EvChargingNeeds } from './ev-charging.ts';

/** Domain events, as seen by the UI's live stream and (later) webhooks. */
export type DomainEvent =
  | { type: 'alarm.raised' | 'alarm.cleared'; data: StationEvent }
  | { type: 'station.updated'; data: Station }
  | { type: 'transaction.started' | 'transaction.updated' | 'transaction.ended'; data: Transaction }
  | { type: 'station.warning'; data: { stationId: string; kind: string; message: string; at: string } }
  | { type: 'station.booted'; data: { stationId: string; registration: Registration; reason: string | null; at: string } }
  | { type: 'reservation.updated'; data: Reservation }
  | { type: 'local-list.updated'; data: LocalListStatus }
  | { type: 'charging-profiles.updated'; data: { stationId: string } }
  | { type: 'charging-limit.updated'; data: { stationId: string; evseId: number; source: string; limit: ChargingLimit | null } }
  | { type: 'ev.charging-needs'; data: { stationId: string; evseId: number; needs: EvChargingNeeds | null } }
  | {
      type: 'allocation.changed';
      data: {
        at: string;
        evses: Array<{ stationId: string; evseId: number; transactionId: number; currentA: number; limit: number; unit: 'A' | 'W'; binding: string }>;
        /** Transactions no longer allocated (ended). */
        ended: number[];
      };
    }
  | { type: 'station.job.updated'; data: StationJob }
  | { type: 'station.file.received'; data: StationFile }
  | { type: 'station.firmware.updated'; data: StationFirmwareState }
  | { type: 'firmware.added'; data: FirmwareFile }
  | { type: 'firmware.removed'; data: { id: number } }
  | { type: 'security.event'; data: SecurityEvent }
  | { type: 'csr.updated'; data: CertificateSigningRequest }
  | {
      /** Site power every few seconds, for the UI's live stream only (not sent to webhooks). */
      type: 'site.power';
      data: { at: string; powerW: number; chargersW: number; phaseA: number[]; limitA: number[] | null; limitW: number | null; buildingW: number | null };
    }
  | {
      type: 'connector.updated';
      data: { stationId: string; evseId: number; connectorId: number; status: ConnectorStatus; errorCode: string | null };
    };

/** Frequent live readings streamed to the UI only: webhooks never receive them, not even with `*`. */
export type StreamOnlyEventType = 'site.power';

export type Listener = (event: DomainEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber (e.g. a closed HTTP stream) must not break the others or the caller.
      }
    }
  }
}
