export const reservationStatuses = ['requested', 'accepted', 'faulted', 'occupied', 'rejected', 'unavailable', 'used', 'cancelled', 'expired'] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

/** Reservations the station may still honour: asked for (answer not known yet) or accepted. */
export const openReservationStatuses: readonly ReservationStatus[] = ['requested', 'accepted'];

/** A reservation of an EVSE (0 = any) for an id token, version-neutral. `id` is the OCPP reservationId. */
export interface Reservation {
  id: number;
  stationId: string;
  evseId: number;
  /** OCPP 2.x: reserve a connector of this type. */
  connectorType: string | null;
  idToken: string;
  idTokenType: string | null;
  groupId: string | null;
  expiresAt: string;
  status: ReservationStatus;
  /** The Ampyard transaction that used it. */
  transactionId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ReservationFilter {
  stationId?: string;
  status?: ReservationStatus;
  limit: number;
  offset: number;
}
