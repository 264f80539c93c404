import type { Services } from '../app/services.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import { parseVariableKey, toOcppComponentVariable, variableKey, type VariableRef } from '../domain/device-model.ts';
import { refFrom } from '../ocpp/v2/device-model.ts';
import { ParamsError } from './params.ts';
import { isSecurityKey, securitySettingsMessage } from './security-settings.ts';
import { nextRequestId } from './request-id.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandSpec } from './spec.ts';

const isV16 = (version: string) => version === '1.6';
const evseParam = { type: 'integer', minimum: 0, description: 'EVSE id (OCPP 1.6: the connector id)' };

/** A 2.0.1 remoteStartId: unique enough across restarts without storing a counter. */
let remoteStartCounter = Math.floor(Date.now() / 1000) % 1_000_000_000;

export function coreCommands(services: Services): CommandSpec[] {
  const { transactions, remoteStarts, siteSettings, configuration, dataTransfers, deviceModel } = services;

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

  const parseKeys = (keys: string[]): VariableRef[] =>
    keys.map((key, i) => {
      const ref = parseVariableKey(key);
      if (!ref) throw new ParamsError([{ field: `keys.${i}`, message: 'OCPP 2.x keys are Component[:instance][@evse[.connector]]/Variable[:instance], e.g. OCPPCommCtrlr/HeartbeatInterval' }]);
      return ref;
    });

  const getConfiguration: CommandSpec<{ keys?: string[] }> = {
    name: 'getConfiguration',
    summary: 'Read configuration (1.6 keys; 2.x variables as Component/Variable) and keep it. Without keys, everything (2.x: a ConfigurationInventory report that arrives afterwards).',
    params: { type: 'object', properties: { keys: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 100 } }, additionalProperties: false },
    toOcpp: ({ keys }, { version }) => {
      if (isV16(version)) return { action: 'GetConfiguration', payload: keys?.length ? { key: keys } : {} };
      if (!keys?.length) return { action: 'GetBaseReport', payload: { requestId: nextRequestId(), reportBase: 'ConfigurationInventory' } };
      return { action: 'GetVariables', payload: { getVariableData: parseKeys(keys).map(toOcppComponentVariable) } };
    },
    interpret: async (response, { keys }, { station, version }, request) => {
      if (isV16(version)) {
        const entries = list(response['configurationKey']).map((k) => ({ key: String(k['key']), value: text(k['value']), readonly: k['readonly'] === true }));
        await configuration.store(station.id, entries, !keys?.length);
        const unknownKeys = Array.isArray(response['unknownKey']) ? response['unknownKey'] : [];
        return { status: 'accepted', response, result: { configuration: entries, unknownKeys } };
      }
      if (request.action === 'GetBaseReport') {
        const requestId = request.payload['requestId'] as number;
        await deviceModel.reportRequested(station.id, requestId, 'ConfigurationInventory', String(response['status']));
        return { status: String(response['status']).toLowerCase(), response, result: { requestId, note: 'the station reports its configuration in NotifyReport messages; read it from /configuration' } };
      }
      const results = list(response['getVariableResult']).map((r) => ({ ref: refFrom(obj(r['component']), obj(r['variable']), r['attributeType']), status: String(r['attributeStatus']), value: text(r['attributeValue']) }));
      const accepted = results.filter((r) => r.status === 'Accepted');
      await deviceModel.store(station.id, accepted);
      const known = new Set(deviceModel.list(station.id).filter((v) => v.mutability === 'ReadOnly').map((v) => variableKey(v)));
      return {
        status: 'accepted',
        response,
        result: {
          configuration: accepted.map((r) => ({ key: variableKey(r.ref), value: r.value, readonly: known.has(variableKey(r.ref)) })),
          unknownKeys: results.filter((r) => r.status !== 'Accepted').map((r) => variableKey(r.ref)),
        },
      };
    },
  };

  const changeConfiguration: CommandSpec<{ key: string; value: string }> = {
    name: 'changeConfiguration',
    summary: 'Change one configuration key (1.6) or variable (2.x, as Component/Variable). Station security settings (AuthorizationKey, SecurityProfile, CpoName, SecurityCtrlr/…, OCPPCommCtrlr/NetworkConfigurationPriority) need the admin role; passwords go through setStationPassword.',
    params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 200 }, value: { type: 'string', maxLength: 1000 } }, required: ['key', 'value'], additionalProperties: false },
    adminOnly: ({ key }) => (isSecurityKey(key) ? securitySettingsMessage([key]) : undefined),
    toOcpp: ({ key, value }, { version }) => {
      // A password set behind Ampyard's back would lock the station out; and it must not reach the configuration store.
      if (/^(AuthorizationKey|SecurityCtrlr\/BasicAuthPassword)$/i.test(key)) throw new ParamsError([{ field: 'key', message: 'station passwords are changed with the setStationPassword command' }]);
      if (isV16(version)) return { action: 'ChangeConfiguration', payload: { key, value } };
      const [ref] = parseKeys([key]);
      return { action: 'SetVariables', payload: { setVariableData: [{ ...toOcppComponentVariable(ref!), attributeValue: value }] } };
    },
    interpret: async (response, { key, value }, { station, version }) => {
      if (isV16(version)) {
        const outcome = defaultOutcome(response);
        if (outcome.status === 'accepted' || outcome.status === 'rebootrequired') await configuration.changed(station.id, key, value);
        return outcome;
      }
      const result = list(response['setVariableResult'])[0] ?? {};
      const status = String(result['attributeStatus'] ?? 'Rejected');
      if (status === 'Accepted' || status === 'RebootRequired') await deviceModel.store(station.id, [{ ref: parseVariableKey(key)!, value }]);
      return { status: status.toLowerCase(), response };
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

  const getTransactionStatus: CommandSpec<{ transactionId?: string }> = {
    name: 'getTransactionStatus',
    summary: 'Ask an OCPP 2.x station whether a transaction is ongoing and whether it still has queued messages for it.',
    params: { type: 'object', properties: { transactionId: { type: 'string', minLength: 1, maxLength: 36, description: 'the station’s transaction id' } }, additionalProperties: false },
    toOcpp: ({ transactionId }, { version }) => {
      if (isV16(version)) throw new UnsupportedCommandError('getTransactionStatus', version);
      return { action: 'GetTransactionStatus', payload: transactionId ? { transactionId } : {} };
    },
    interpret: (response) => ({ status: 'accepted', response, result: { ongoing: response['ongoingIndicator'] ?? null, messagesInQueue: response['messagesInQueue'] } }),
  };

  return [getTransactionStatus, reset, unlock, changeAvailability, startCharging, stopCharging, trigger, clearCache, getConfiguration, changeConfiguration, dataTransfer];
}
