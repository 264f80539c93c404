import type { Services } from '../app/services.ts';
import type { CustomerReference } from '../domain/customer-information.ts';
import { toOcppComponentVariable } from '../domain/device-model.ts';
import type { VariableMonitor } from '../domain/monitor.ts';
import type { ComponentVariableRef } from '../domain/station-event.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import { componentVariableFrom } from '../ocpp/v2/diagnostics.ts';
import { ParamsError } from './params.ts';
import { nextRequestId } from './request-id.ts';
import { UnsupportedCommandError, type CommandOutcome, type CommandSpec } from './spec.ts';

const only2x = (name: string, version: string) => {
  if (version === '1.6') throw new UnsupportedCommandError(name, '1.6', 'monitoring and customer information are OCPP 2.x features');
};

const refProperties = {
  component: { type: 'string', minLength: 1, maxLength: 50 },
  componentInstance: { type: 'string', maxLength: 50 },
  evseId: { type: 'integer', minimum: 0 },
  connectorId: { type: 'integer', minimum: 1 },
  variable: { type: 'string', minLength: 1, maxLength: 50 },
  variableInstance: { type: 'string', maxLength: 50 },
};

const monitorTypes = ['UpperThreshold', 'LowerThreshold', 'Delta', 'Periodic', 'PeriodicClockAligned', 'TargetDelta', 'TargetDeltaRelative'];
const only21Types = new Set(['TargetDelta', 'TargetDeltaRelative']);

type RefParams = Partial<ComponentVariableRef> & { component: string; variable: string };
type MonitorParams = RefParams & { id?: number; type: string; value: number; severity: number; transaction?: boolean };

/** accepted when every item was, rejected when none was, otherwise partial. */
function overall(statuses: string[]): string {
  const accepted = statuses.filter((s) => s === 'Accepted').length;
  return accepted === statuses.length ? 'accepted' : accepted === 0 ? 'rejected' : 'partial';
}

export function monitoringCommands(services: Services): CommandSpec[] {
  const { monitoring, customerInformation } = services;

  const setVariableMonitoring: CommandSpec<{ monitors: MonitorParams[] }> = {
    name: 'setVariableMonitoring',
    summary: 'Set monitors on variables of an OCPP 2.x station (thresholds, delta, periodic); accepted ones join its monitor inventory.',
    params: {
      type: 'object',
      properties: {
        monitors: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: {
            type: 'object',
            properties: {
              ...refProperties,
              id: { type: 'integer', minimum: 0, description: 'an existing monitor to replace' },
              type: { enum: monitorTypes },
              value: { type: 'number' },
              severity: { type: 'integer', minimum: 0, maximum: 9, description: '0 danger … 9 debug' },
              transaction: { type: 'boolean', description: 'only active during a transaction' },
            },
            required: ['component', 'variable', 'type', 'value', 'severity'],
            additionalProperties: false,
          },
        },
      },
      required: ['monitors'],
      additionalProperties: false,
    },
    toOcpp: ({ monitors }, { version }) => {
      only2x('setVariableMonitoring', version);
      if (version === '2.0.1') {
        const fields = monitors.flatMap((m, i) => (only21Types.has(m.type) ? [{ field: `monitors.${i}.type`, message: `${m.type} monitors need OCPP 2.1` }] : []));
        if (fields.length) throw new ParamsError(fields);
      }
      return {
        action: 'SetVariableMonitoring',
        payload: {
          setMonitoringData: monitors.map((m) => ({
            ...(m.id !== undefined ? { id: m.id } : {}),
            ...(m.transaction !== undefined ? { transaction: m.transaction } : {}),
            value: m.value,
            type: m.type,
            severity: m.severity,
            ...toOcppComponentVariable(m),
          })),
        },
      };
    },
    interpret: async (response, { monitors }, { station }) => {
      const results = list(response['setMonitoringResult']).map((r, i) => ({
        ...componentVariableFrom(obj(r['component']), obj(r['variable'])),
        id: typeof r['id'] === 'number' ? r['id'] : null,
        status: String(r['status']),
        type: String(r['type']),
        severity: r['severity'] as number,
        reason: text(obj(r['statusInfo'])['reasonCode']),
        request: monitors[i],
      }));
      const accepted: Array<Omit<VariableMonitor, 'source' | 'updatedAt'>> = results
        .filter((r) => r.status === 'Accepted' && r.id !== null)
        .map(({ status: _s, reason: _r, request, id, ...r }) => ({ ...r, id: id!, value: request?.value ?? 0, transaction: request?.transaction ?? false, eventNotificationType: 'CustomMonitor' }));
      await monitoring.set(station.id, accepted);
      return { status: overall(results.map((r) => r.status)), response, result: results.map(({ request: _q, ...r }) => r) };
    },
  };

  const clearVariableMonitoring: CommandSpec<{ ids: number[] }> = {
    name: 'clearVariableMonitoring',
    summary: 'Remove monitors from an OCPP 2.x station by id.',
    params: { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 100 } }, required: ['ids'], additionalProperties: false },
    toOcpp: ({ ids }, { version }) => {
      only2x('clearVariableMonitoring', version);
      return { action: 'ClearVariableMonitoring', payload: { id: ids } };
    },
    interpret: async (response, _params, { station }) => {
      const results = list(response['clearMonitoringResult']).map((r) => ({ id: r['id'] as number, status: String(r['status']), reason: text(obj(r['statusInfo'])['reasonCode']) }));
      // NotFound: the station has no such monitor, so it is not in the inventory either.
      await monitoring.removed(station.id, results.filter((r) => r.status !== 'Rejected').map((r) => r.id));
      return { status: overall(results.map((r) => r.status)), response, result: results };
    },
  };

  const setMonitoringBase: CommandSpec<{ base: string }> = {
    name: 'setMonitoringBase',
    summary: 'Choose which monitors an OCPP 2.x station runs: All, FactoryDefault or HardWiredOnly (the last two remove custom monitors).',
    params: { type: 'object', properties: { base: { enum: ['All', 'FactoryDefault', 'HardWiredOnly'] } }, required: ['base'], additionalProperties: false },
    toOcpp: ({ base }, { version }) => {
      only2x('setMonitoringBase', version);
      return { action: 'SetMonitoringBase', payload: { monitoringBase: base } };
    },
    interpret: async (response, { base }, { station }) => {
      const status = String(response['status']);
      if (status === 'Accepted') await monitoring.baseSet(station.id, base);
      return { status: status.toLowerCase(), response };
    },
  };

  const setMonitoringLevel: CommandSpec<{ severity: number }> = {
    name: 'setMonitoringLevel',
    summary: 'Only have an OCPP 2.x station report events of this severity or more severe (0 danger … 9 debug).',
    params: { type: 'object', properties: { severity: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['severity'], additionalProperties: false },
    toOcpp: ({ severity }, { version }) => {
      only2x('setMonitoringLevel', version);
      return { action: 'SetMonitoringLevel', payload: { severity } };
    },
    interpret: async (response, { severity }, { station }) => {
      const status = String(response['status']);
      if (status === 'Accepted') await monitoring.levelSet(station.id, severity);
      return { status: status.toLowerCase(), response };
    },
  };

  const getMonitoringReport: CommandSpec<{ components?: Array<Omit<RefParams, 'variable'> & { variable?: string }>; criteria?: string[] }> = {
    name: 'getMonitoringReport',
    summary: 'Ask an OCPP 2.x station for its monitors (arrive as NotifyMonitoringReport parts; an unfiltered report replaces the inventory).',
    params: {
      type: 'object',
      properties: {
        components: { type: 'array', items: { type: 'object', properties: refProperties, required: ['component'], additionalProperties: false }, minItems: 1, maxItems: 100 },
        criteria: { type: 'array', items: { enum: ['ThresholdMonitoring', 'DeltaMonitoring', 'PeriodicMonitoring'] }, minItems: 1, maxItems: 3, uniqueItems: true },
      },
      additionalProperties: false,
    },
    toOcpp: ({ components, criteria }, { version }) => {
      only2x('getMonitoringReport', version);
      const payload: Record<string, unknown> = { requestId: nextRequestId() };
      if (criteria) payload['monitoringCriteria'] = criteria;
      if (components) {
        payload['componentVariable'] = components.map((ref) => {
          const { component, variable } = toOcppComponentVariable({ ...ref, variable: ref.variable ?? '' });
          return ref.variable ? { component, variable } : { component };
        });
      }
      return { action: 'GetMonitoringReport', payload };
    },
    interpret: async (response, { components, criteria }, { station }, request) => {
      const requestId = request.payload['requestId'] as number;
      const status = String(response['status']);
      await monitoring.reportRequested(station.id, requestId, { ...(components ? { components } : {}), ...(criteria ? { criteria } : {}) }, status);
      return { status: status.toLowerCase(), response, result: { requestId } };
    },
  };

  const customerInformationCommand: CommandSpec<{ report: boolean; clear: boolean } & CustomerReference> = {
    name: 'customerInformation',
    summary: 'Ask an OCPP 2.x station what it holds about a customer (report, arriving as NotifyCustomerInformation) and/or have it deleted (clear).',
    params: {
      type: 'object',
      properties: {
        report: { type: 'boolean', default: true },
        clear: { type: 'boolean', default: false },
        customerIdentifier: { type: 'string', minLength: 1, maxLength: 64 },
        idToken: {
          type: 'object',
          properties: { idToken: { type: 'string', minLength: 1, maxLength: 255 }, type: { type: 'string', minLength: 1, maxLength: 20, default: 'ISO14443' } },
          required: ['idToken'],
          additionalProperties: false,
        },
        customerCertificate: {
          type: 'object',
          properties: {
            hashAlgorithm: { enum: ['SHA256', 'SHA384', 'SHA512'] },
            issuerNameHash: { type: 'string', minLength: 1, maxLength: 128 },
            issuerKeyHash: { type: 'string', minLength: 1, maxLength: 128 },
            serialNumber: { type: 'string', minLength: 1, maxLength: 40 },
          },
          required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    toOcpp: (params, { version }) => {
      only2x('customerInformation', version);
      const { report, clear, customerIdentifier, idToken, customerCertificate } = params;
      const fields = [];
      if (!customerIdentifier && !idToken && !customerCertificate) fields.push({ field: 'customerIdentifier', message: 'one of customerIdentifier, idToken or customerCertificate is required' });
      if (!report && !clear) fields.push({ field: 'report', message: 'report or clear (or both) must be true' });
      if (fields.length) throw new ParamsError(fields);
      const payload: Record<string, unknown> = { requestId: nextRequestId(), report, clear };
      if (customerIdentifier) payload['customerIdentifier'] = customerIdentifier;
      if (idToken) payload['idToken'] = idToken;
      if (customerCertificate) payload['customerCertificate'] = customerCertificate;
      return { action: 'CustomerInformation', payload };
    },
    interpret: async (response, params, { station }, request): Promise<CommandOutcome> => {
      const requestId = request.payload['requestId'] as number;
      const status = String(response['status']);
      await customerInformation.requested(station.id, requestId, params, status);
      return { status: status.toLowerCase(), response, result: { requestId } };
    },
  };

  return [setVariableMonitoring, clearVariableMonitoring, setMonitoringBase, setMonitoringLevel, getMonitoringReport, customerInformationCommand];
}
