import type { Services } from '../app/services.ts';
import { toOcppComponentVariable, type VariableRef } from '../domain/device-model.ts';
import { refFrom } from '../ocpp/v2/device-model.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import { ParamsError } from './params.ts';
import { nextRequestId } from './request-id.ts';
import { isSecurityVariable, securitySettingsMessage } from './security-settings.ts';
import { UnsupportedCommandError, type CommandSpec } from './spec.ts';

const isV16 = (version: string) => version === '1.6';
const only2x = (name: string, version: string) => {
  if (isV16(version)) throw new UnsupportedCommandError(name, '1.6', 'OCPP 1.6 stations use getConfiguration/changeConfiguration keys');
};

const refSchema = {
  type: 'object',
  properties: {
    component: { type: 'string', minLength: 1, maxLength: 50 },
    componentInstance: { type: 'string', maxLength: 50 },
    evseId: { type: 'integer', minimum: 0 },
    connectorId: { type: 'integer', minimum: 1 },
    variable: { type: 'string', minLength: 1, maxLength: 50 },
    variableInstance: { type: 'string', maxLength: 50 },
    attributeType: { enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] },
  },
  required: ['component', 'variable'],
};

export function deviceModelCommands(services: Services): CommandSpec[] {
  const { deviceModel } = services;

  const requested = async (stationId: string, response: Record<string, unknown>, request: { payload: Record<string, unknown> }, kind: string) => {
    const requestId = request.payload['requestId'] as number;
    await deviceModel.reportRequested(stationId, requestId, kind, String(response['status']));
    return { status: String(response['status']).toLowerCase(), response, result: { requestId } };
  };

  const getBaseReport: CommandSpec<{ reportBase: string }> = {
    name: 'getBaseReport',
    summary: 'Ask an OCPP 2.x station for its device model (arrives as NotifyReport parts, stored as they come).',
    params: { type: 'object', properties: { reportBase: { enum: ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'], default: 'FullInventory' } }, additionalProperties: false },
    toOcpp: ({ reportBase }, { version }) => {
      only2x('getBaseReport', version);
      return { action: 'GetBaseReport', payload: { requestId: nextRequestId(), reportBase } };
    },
    interpret: (response, { reportBase }, { station }, request) => requested(station.id, response, request, reportBase),
  };

  const getReport: CommandSpec<{ components?: VariableRef[]; criteria?: string[] }> = {
    name: 'getReport',
    summary: 'Ask an OCPP 2.x station for part of its device model, by component/variable and/or criteria.',
    params: {
      type: 'object',
      properties: {
        components: { type: 'array', items: { ...refSchema, required: ['component'] }, maxItems: 100 },
        criteria: { type: 'array', items: { enum: ['Active', 'Available', 'Enabled', 'Problem'] }, maxItems: 4 },
      },
      additionalProperties: false,
    },
    toOcpp: ({ components, criteria }, { version }) => {
      only2x('getReport', version);
      const payload: Record<string, unknown> = { requestId: nextRequestId() };
      if (components?.length) {
        payload['componentVariable'] = components.map((ref) => {
          const { component, variable } = toOcppComponentVariable({ ...ref, variable: ref.variable ?? '' });
          return ref.variable ? { component, variable } : { component };
        });
      }
      if (criteria?.length) payload['componentCriteria'] = criteria;
      return { action: 'GetReport', payload };
    },
    interpret: (response, _params, { station }, request) => requested(station.id, response, request, 'custom'),
  };

  const getVariables: CommandSpec<{ variables: VariableRef[] }> = {
    name: 'getVariables',
    summary: 'Read variables of an OCPP 2.x station; accepted values are kept in its device model.',
    params: { type: 'object', properties: { variables: { type: 'array', items: refSchema, minItems: 1, maxItems: 100 } }, required: ['variables'], additionalProperties: false },
    toOcpp: ({ variables }, { version }) => {
      only2x('getVariables', version);
      return {
        action: 'GetVariables',
        payload: { getVariableData: variables.map((ref) => ({ ...toOcppComponentVariable(ref), ...(ref.attributeType ? { attributeType: ref.attributeType } : {}) })) },
      };
    },
    interpret: async (response, _params, { station }) => {
      const results = list(response['getVariableResult']).map((r) => ({
        ref: refFrom(obj(r['component']), obj(r['variable']), r['attributeType']),
        status: String(r['attributeStatus']),
        value: text(r['attributeValue']),
      }));
      await deviceModel.store(station.id, results.filter((r) => r.status === 'Accepted'));
      return { status: 'accepted', response, result: results };
    },
  };

  const setVariables: CommandSpec<{ variables: Array<VariableRef & { value: string }> }> = {
    name: 'setVariables',
    summary: 'Set variables of an OCPP 2.x station; accepted values are kept in its device model. SecurityCtrlr variables and OCPPCommCtrlr/NetworkConfigurationPriority need the admin role; the password goes through setStationPassword.',
    params: {
      type: 'object',
      properties: { variables: { type: 'array', items: { ...refSchema, properties: { ...refSchema.properties, value: { type: 'string', maxLength: 1000 } }, required: ['component', 'variable', 'value'] }, minItems: 1, maxItems: 100 } },
      required: ['variables'],
      additionalProperties: false,
    },
    adminOnly: ({ variables }) => {
      const security = variables.filter(isSecurityVariable).map((v) => `${v.component}/${v.variable}`);
      return security.length ? securitySettingsMessage([...new Set(security)]) : undefined;
    },
    toOcpp: ({ variables }, { version }) => {
      only2x('setVariables', version);
      // As with changeConfiguration: a password set behind Ampyard's back would lock the station out, and it must not reach the device model.
      const password = variables.findIndex((v) => v.component.toLowerCase() === 'securityctrlr' && v.variable.toLowerCase() === 'basicauthpassword');
      if (password >= 0) throw new ParamsError([{ field: `variables.${password}`, message: 'station passwords are changed with the setStationPassword command' }]);
      return {
        action: 'SetVariables',
        payload: { setVariableData: variables.map((v) => ({ ...toOcppComponentVariable(v), attributeValue: v.value, ...(v.attributeType ? { attributeType: v.attributeType } : {}) })) },
      };
    },
    interpret: async (response, { variables }, { station }) => {
      const results = list(response['setVariableResult']).map((r, i) => ({
        ref: refFrom(obj(r['component']), obj(r['variable']), r['attributeType']),
        status: String(r['attributeStatus']),
        value: variables[i]?.value ?? null,
      }));
      await deviceModel.store(station.id, results.filter((r) => r.status === 'Accepted' || r.status === 'RebootRequired'));
      const all = results.every((r) => r.status === 'Accepted' || r.status === 'RebootRequired');
      return { status: all ? (results.some((r) => r.status === 'RebootRequired') ? 'rebootrequired' : 'accepted') : 'rejected', response, result: results };
    },
  };

  const setNetworkProfile: CommandSpec<{ configurationSlot: number; connectionData: Record<string, unknown> }> = {
    name: 'setNetworkProfile',
    summary: 'Store a network connection profile in a slot of an OCPP 2.x station (OCPP NetworkConnectionProfileType).',
    params: {
      type: 'object',
      properties: { configurationSlot: { type: 'integer', minimum: 0 }, connectionData: { type: 'object' } },
      required: ['configurationSlot', 'connectionData'],
      additionalProperties: false,
    },
    toOcpp: ({ configurationSlot, connectionData }, { version }) => {
      only2x('setNetworkProfile', version);
      return { action: 'SetNetworkProfile', payload: { configurationSlot, connectionData } };
    },
  };

  return [getBaseReport, getReport, getVariables, setVariables, setNetworkProfile];
}
