import type { Services } from '../app/services.ts';
import type { MessageContent, MessageInfo } from '../domain/display-message.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { obj } from '../ocpp/payload.ts';
import { messageInfoFrom, messageInfoToOcpp } from '../ocpp/v2/display-messages.ts';
import { nextRequestId } from './request-id.ts';
import { UnsupportedCommandError, type CommandSpec } from './spec.ts';

const only2x = (name: string, version: string) => {
  if (version === '1.6') throw new UnsupportedCommandError(name, '1.6', 'display messages are an OCPP 2.x feature');
};

const priorities = ['AlwaysFront', 'InFront', 'NormalCycle'];
// Suspended and Discharging, QRCODE, messageExtra and content over 512 characters are OCPP 2.1 only; a 2.0.1 station is
// refused them by the schema check before anything is sent (HTTP 400 invalid_ocpp_payload).
const states = ['Charging', 'Faulted', 'Idle', 'Unavailable', 'Suspended', 'Discharging'];
const content = {
  type: 'object',
  properties: {
    format: { enum: ['ASCII', 'HTML', 'URI', 'UTF8', 'QRCODE'], default: 'UTF8' },
    language: { type: 'string', minLength: 1, maxLength: 8 },
    content: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['content'],
  additionalProperties: false,
};

type ContentParams = { format: string; language?: string; content: string };
type SetParams = {
  id: number;
  priority: string;
  state?: string;
  startDateTime?: string;
  endDateTime?: string;
  transactionId?: number;
  message: ContentParams;
  messageExtra?: ContentParams[];
  display?: { component: string; componentInstance?: string; evseId?: number; connectorId?: number };
};

const neutralContent = (c: ContentParams): MessageContent => ({ format: c.format, language: c.language ?? null, content: c.content });

export function displayMessageCommands(services: Services): CommandSpec[] {
  const { displayMessages, transactions } = services;

  const infoFor = (p: SetParams, stationId: string): MessageInfo => {
    let stationTxId: string | null = null;
    if (p.transactionId !== undefined) {
      const tx = transactions.get(p.transactionId);
      if (!tx || tx.stationId !== stationId) throw new NotFoundError(`no transaction ${p.transactionId} on station ${stationId}`);
      if (tx.status !== 'active') throw new ConflictError(`transaction ${p.transactionId} has already ended`);
      stationTxId = tx.stationTxId;
    }
    return {
      id: p.id,
      priority: p.priority,
      state: p.state ?? null,
      startDateTime: p.startDateTime ? new Date(p.startDateTime).toISOString() : null,
      endDateTime: p.endDateTime ? new Date(p.endDateTime).toISOString() : null,
      transactionId: p.transactionId ?? null,
      stationTxId,
      message: neutralContent(p.message),
      messageExtra: (p.messageExtra ?? []).map(neutralContent),
      display: p.display
        ? { component: p.display.component, componentInstance: p.display.componentInstance ?? null, evseId: p.display.evseId ?? null, connectorId: p.display.connectorId ?? null }
        : null,
    };
  };

  const setDisplayMessage: CommandSpec<SetParams> = {
    name: 'setDisplayMessage',
    summary: 'Show a message on an OCPP 2.x station’s display (optionally in a time window, a station state or one transaction); kept while the station has it.',
    params: {
      type: 'object',
      properties: {
        id: { type: 'integer', minimum: 0 },
        priority: { enum: priorities, default: 'NormalCycle' },
        state: { enum: states },
        startDateTime: { type: 'string', format: 'date-time' },
        endDateTime: { type: 'string', format: 'date-time' },
        transactionId: { type: 'integer', minimum: 1, description: 'Ampyard transaction id: only shown during this session' },
        message: content,
        messageExtra: { type: 'array', items: content, minItems: 1, maxItems: 4, description: 'OCPP 2.1: the message in other languages or formats' },
        display: {
          type: 'object',
          properties: {
            component: { type: 'string', minLength: 1, maxLength: 50 },
            componentInstance: { type: 'string', minLength: 1, maxLength: 50 },
            evseId: { type: 'integer', minimum: 0 },
            connectorId: { type: 'integer', minimum: 1 },
          },
          required: ['component'],
          additionalProperties: false,
        },
      },
      required: ['id', 'message'],
      additionalProperties: false,
    },
    toOcpp: (params, { version, station }) => {
      only2x('setDisplayMessage', version);
      return { action: 'SetDisplayMessage', payload: { message: messageInfoToOcpp(infoFor(params, station.id)) } };
    },
    interpret: async (response, _params, { station }, request) => {
      const status = String(response['status']);
      if (status === 'Accepted') await displayMessages.set(station.id, messageInfoFrom(station.id, obj(request.payload['message']), transactions));
      return { status: status.toLowerCase(), response };
    },
  };

  const getDisplayMessages: CommandSpec<{ ids?: number[]; priority?: string; state?: string }> = {
    name: 'getDisplayMessages',
    summary: 'Ask an OCPP 2.x station which display messages it has (arrive as NotifyDisplayMessages; an unfiltered answer replaces what Ampyard knew).',
    params: {
      type: 'object',
      properties: { ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 100 }, priority: { enum: priorities }, state: { enum: states } },
      additionalProperties: false,
    },
    toOcpp: ({ ids, priority, state }, { version }) => {
      only2x('getDisplayMessages', version);
      return { action: 'GetDisplayMessages', payload: { requestId: nextRequestId(), ...(ids ? { id: ids } : {}), ...(priority ? { priority } : {}), ...(state ? { state } : {}) } };
    },
    interpret: async (response, params, { station }, request) => {
      const requestId = request.payload['requestId'] as number;
      const status = String(response['status']);
      await displayMessages.reportRequested(station.id, requestId, { ...params }, status);
      return { status: status.toLowerCase(), response, result: { requestId } };
    },
  };

  const clearDisplayMessage: CommandSpec<{ id: number }> = {
    name: 'clearDisplayMessage',
    summary: 'Remove a message from an OCPP 2.x station’s display.',
    params: { type: 'object', properties: { id: { type: 'integer', minimum: 0 } }, required: ['id'], additionalProperties: false },
    toOcpp: ({ id }, { version }) => {
      only2x('clearDisplayMessage', version);
      return { action: 'ClearDisplayMessage', payload: { id } };
    },
    interpret: async (response, { id }, { station }) => {
      const status = String(response['status']);
      // Unknown: the station does not have it (any more), so Ampyard forgets it too.
      if (status === 'Accepted' || status === 'Unknown') await displayMessages.cleared(station.id, id);
      return { status: status.toLowerCase(), response };
    },
  };

  return [setDisplayMessage, getDisplayMessages, clearDisplayMessage];
}
