import type { ComponentVariableRef } from './station-event.ts';

export interface MessageContent {
  /** ASCII, HTML, URI, UTF8 (2.1 also QRCODE). */
  format: string;
  language: string | null;
  content: string;
}

/** A message for a station's display (OCPP 2.x MessageInfoType), version-neutral. */
export interface MessageInfo {
  id: number;
  /** AlwaysFront, InFront or NormalCycle. */
  priority: string;
  /** Only shown in this station state: Charging, Faulted, Idle, Unavailable (2.1 also Suspended, Discharging). */
  state: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  /** Ampyard's id of the transaction the message belongs to, when known. */
  transactionId: number | null;
  /** The station's own transaction id (OCPP 2.x transactionId). */
  stationTxId: string | null;
  message: MessageContent;
  /** 2.1: the message in further languages or formats. */
  messageExtra: MessageContent[];
  /** The display to show it on, when not the station's default. */
  display: Omit<ComponentVariableRef, 'variable' | 'variableInstance'> | null;
}

export interface DisplayMessage extends MessageInfo {
  /** When the station last accepted it from Ampyard (SetDisplayMessage). */
  setAt: string | null;
  /** When the station last listed it (NotifyDisplayMessages). */
  reportedAt: string | null;
  updatedAt: string;
}
