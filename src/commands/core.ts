import type { Services } from '../app/services.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandSpec } from './spec.ts';

const isV16 = (version: string) => version === '1.6';
const evseParam = { type: 'integer', minimum: 0, description: 'EVSE id (OCPP 1.6: the connector id)' };

/** A 2.0.1 remoteStartId: unique enough across restarts without storing a counter. */
let remoteStartCounter = Math.floor(Date.now() / 1000) % 1_000_000_000;

export function coreCommands(services: Services): CommandSpec[] {
  const { transactions, remoteStarts, siteSettings, configuration, dataTransfers } = services;

  const reset: CommandSpec<{ type: 'soft' | 'hard'; evseId?: number }> = {
    name: 'reset',
    summary: 'Restart the station (soft: when idle / gracefully; hard: now), or one EVSE (OCPP 2.x).',
    params: { type: 'object', properties: { type: { enum: ['soft', 'hard'], default: 'soft' }, evseId: { ...evseParam, minimum: 1 } }, additionalProperties: false },
    toOcpp: ({ type, evseId }, { version }) => {
      if (isV16(version)) {
        if (evseId !== undefined) throw new UnsupportedCommandError('reset of one EVSE', version, 'OCPP 1.6 resets the whole station');
        return { action: 'Reset', payload: { type: type === 'hard' ? 'Hard' : 'Soft' } };
      }
      return { action: 'Reset', payload: { type: type === 'hard' ? 'Immediate' : 'OnIdle', ...(evseId !== undefined ? { evseId } : {}) } };
    },
  };

  const unlock: CommandSpec<{ evseId: number; connectorId: number }> = {
    name: 'unlock',
    summary: 'Unlock the cable of a connector.',
    params: { type: 'object', properties: { evseId: { ...evseParam, minimum: 1 }, connectorId: { type: 'integer', minimum: 1, default: 1 } }, required: ['evseId'], additionalProperties: false },
    toOcpp: ({ evseId, connectorId }, { version }) =>
      isV16(version) ? { action: 'UnlockConnector', payload: { connectorId: evseId } } : { action: 'UnlockConnector', payload: { evseId, connectorId } },
  };

  const changeAvailability: CommandSpec<{ evseId?: number; connectorId?: number; operative: boolean }> = {
    name: 'changeAvailability',
    summary: 'Make the station, an EVSE or a connector operative or inoperative.',
    params: {
      type: 'object',
      properties: { evseId: evseParam, connectorId: { type: 'integer', minimum: 1 }, operative: { type: 'boolean' } },
      required: ['operative'],
      additionalProperties: false,
    },
    toOcpp: ({ evseId, connectorId, operative }, { version }) => {
      const state = operative ? 'Operative' : 'Inoperative';
      if (isV16(version)) return { action: 'ChangeAvailability', payload: { connectorId: evseId ?? 0, type: state } };
      const payload: Record<string, unknown> = { operationalStatus: state };
      if (evseId) payload['evse'] = connectorId ? { id: evseId, connectorId } : { id: evseId };
      return { action: 'ChangeAvailability', payload };
    },
  };

  const startCharging: CommandSpec<{ evseId?: number; idToken: string; idTokenType: string; chargingProfile?: Record<string, unknown> }> = {
    name: 'startCharging',
    summary: 'Start a session remotely for an id token, optionally on one EVSE and with a charging profile (OCPP payload of the station’s version).',
    params: {
      type: 'object',
      properties: {
        evseId: { ...evseParam, minimum: 1 },
        idToken: { type: 'string', minLength: 1, maxLength: 255 },
        idTokenType: { enum: ['Central', 'ISO14443', 'ISO15693', 'eMAID', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'], default: 'Central' },
        chargingProfile: { type: 'object' },
      },
      required: ['idToken'],
      additionalProperties: false,
    },
    toOcpp: ({ evseId, idToken, idTokenType, chargingProfile }, { version }) => {
      if (isV16(version)) {
        if (idToken.length > 20) throw new UnsupportedCommandError('an id tag longer than 20 characters', version);
        return { action: 'RemoteStartTransaction', payload: { idTag: idToken, ...(evseId ? { connectorId: evseId } : {}), ...(chargingProfile ? { chargingProfile } : {}) } };
      }
      const payload: Record<string, unknown> = { idToken: { idToken, type: idTokenType }, remoteStartId: ++remoteStartCounter };
      if (evseId) payload['evseId'] = evseId;
      if (chargingProfile) payload['chargingProfile'] = chargingProfile;
      return { action: 'RequestStartTransaction', payload };
    },
    interpret: (response, { evseId, idToken }, { station }) => {
      const outcome = defaultOutcome(response);
      if (outcome.status === 'accepted') {
        const timeoutMs = siteSettings.get().remoteStartTimeoutSeconds * 1000;
        outcome.result = { pendingStart: remoteStarts.expect(station.id, evseId ?? null, idToken, timeoutMs) };
      }
      return outcome;
    },
  };

  const stopCharging: CommandSpec<{ transactionId: number }> = {
    name: 'stopCharging',
    summary: 'Stop a running session (by Ampyard transaction id).',
    params: { type: 'object', properties: { transactionId: { type: 'integer', minimum: 1 } }, required: ['transactionId'], additionalProperties: false },
    toOcpp: ({ transactionId }, { version, station }) => {
      const tx = transactions.get(transactionId);
      if (!tx || tx.stationId !== station.id) throw new NotFoundError(`no transaction ${transactionId} on station ${station.id}`);
      if (tx.status !== 'active') throw new ConflictError(`transaction ${transactionId} has already ended`);
      return isV16(version)
        ? { action: 'RemoteStopTransaction', payload: { transactionId: tx.id } }
        : { action: 'RequestStopTransaction', payload: { transactionId: tx.stationTxId } };
    },
  };

  const trigger: CommandSpec<{ message: string; evseId?: number; connectorId?: number }> = {
    name: 'trigger',
    summary: 'Ask the station to send a message now (BootNotification, Heartbeat, StatusNotification, MeterValues, …).',
    params: {
      type: 'object',
      properties: { message: { type: 'string', minLength: 1 }, evseId: { ...evseParam, minimum: 1 }, connectorId: { type: 'integer', minimum: 1 } },
      required: ['message'],
      additionalProperties: false,
    },
    toOcpp: ({ message, evseId, connectorId }, { version }) => {
      if (isV16(version)) return { action: 'TriggerMessage', payload: { requestedMessage: message, ...(evseId ? { connectorId: evseId } : {}) } };
      const payload: Record<string, unknown> = { requestedMessage: message };
      if (evseId) payload['evse'] = connectorId ? { id: evseId, connectorId } : { id: evseId };
      return { action: 'TriggerMessage', payload };
    },
  };

  const clearCache: CommandSpec<Record<string, never>> = {
    name: 'clearCache',
    summary: 'Clear the station’s authorization cache.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    toOcpp: () => ({ action: 'ClearCache', payload: {} }),
  };

  const getConfiguration: CommandSpec<{ keys?: string[] }> = {
    name: 'getConfiguration',
    summary: 'Read configuration keys from the station (all when none are given) and keep them.',
    params: { type: 'object', properties: { keys: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 50 }, maxItems: 100 } }, additionalProperties: false },
    toOcpp: ({ keys }, { version }) => {
      if (!isV16(version)) throw new UnsupportedCommandError('getConfiguration', version, 'OCPP 2.x stations are read through their device model');
      return { action: 'GetConfiguration', payload: keys?.length ? { key: keys } : {} };
    },
    interpret: async (response, { keys }, { station }) => {
      const entries = list(response['configurationKey']).map((k) => ({ key: String(k['key']), value: text(k['value']), readonly: k['readonly'] === true }));
      await configuration.store(station.id, entries, !keys?.length);
      const unknownKeys = Array.isArray(response['unknownKey']) ? response['unknownKey'] : [];
      return { status: 'accepted', response, result: { configuration: entries, unknownKeys } };
    },
  };

  const changeConfiguration: CommandSpec<{ key: string; value: string }> = {
    name: 'changeConfiguration',
    summary: 'Change one configuration key on the station.',
    params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 50 }, value: { type: 'string', maxLength: 500 } }, required: ['key', 'value'], additionalProperties: false },
    toOcpp: ({ key, value }, { version }) => {
      if (!isV16(version)) throw new UnsupportedCommandError('changeConfiguration', version, 'OCPP 2.x stations are configured through their device model');
      return { action: 'ChangeConfiguration', payload: { key, value } };
    },
    interpret: async (response, { key, value }, { station }) => {
      const outcome = defaultOutcome(response);
      if (outcome.status === 'accepted' || outcome.status === 'rebootrequired') await configuration.changed(station.id, key, value);
      return outcome;
    },
  };

  const dataTransfer: CommandSpec<{ vendorId: string; messageId?: string; data?: unknown }> = {
    name: 'dataTransfer',
    summary: 'Send a vendor-specific DataTransfer.',
    params: {
      type: 'object',
      properties: { vendorId: { type: 'string', minLength: 1, maxLength: 255 }, messageId: { type: 'string', maxLength: 50 }, data: {} },
      required: ['vendorId'],
      additionalProperties: false,
    },
    toOcpp: ({ vendorId, messageId, data }, { version }) => {
      const payload: Record<string, unknown> = { vendorId };
      if (messageId) payload['messageId'] = messageId;
      if (data !== undefined) payload['data'] = isV16(version) && typeof data !== 'string' ? JSON.stringify(data) : data;
      return { action: 'DataTransfer', payload };
    },
    interpret: async (response, { vendorId, messageId, data }, { station }) => {
      const outcome = defaultOutcome(response);
      await dataTransfers.record({ stationId: station.id, vendorId, messageId: messageId ?? null, data }, 'out', text(obj(response)['status']));
      return outcome;
    },
  };

  return [reset, unlock, changeAvailability, startCharging, stopCharging, trigger, clearCache, getConfiguration, changeConfiguration, dataTransfer];
}
