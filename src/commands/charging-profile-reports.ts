import type { Services } from '../app/services.ts';
import { ParamsError } from './params.ts';
import { nextRequestId } from './request-id.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandSpec } from './spec.ts';

interface Criteria {
  evseId?: number;
  purpose?: string;
  stackLevel?: number;
  profileIds?: number[];
  sources?: string[];
}

const purposes2x: Record<string, string> = {
  stationMax: 'ChargingStationMaxProfile',
  txDefault: 'TxDefaultProfile',
  tx: 'TxProfile',
  externalConstraints: 'ChargingStationExternalConstraints',
  priorityCharging: 'PriorityCharging',
  localGeneration: 'LocalGeneration',
};
const only21 = new Set(['priorityCharging', 'localGeneration']);
const sources201 = ['EMS', 'Other', 'SO', 'CSO'];

/** OCPP 2.x K09: ask a station which charging profiles it holds; it answers in ReportChargingProfiles parts. */
export function chargingProfileReportCommands(services: Services): CommandSpec[] {
  const { chargingProfileReports } = services;

  const getChargingProfiles: CommandSpec<Criteria> = {
    name: 'getChargingProfiles',
    summary: 'Ask an OCPP 2.x station for the charging profiles it holds (any source); read them at GET /stations/:id/charging-profile-reports/:requestId.',
    params: {
      type: 'object',
      properties: {
        evseId: { type: 'integer', minimum: 0, description: '0: profiles of the whole station; none: every EVSE' },
        purpose: { enum: Object.keys(purposes2x), description: 'priorityCharging and localGeneration: OCPP 2.1' },
        stackLevel: { type: 'integer', minimum: 0 },
        profileIds: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 100 },
        sources: {
          type: 'array',
          items: { type: 'string', minLength: 1, maxLength: 20 },
          minItems: 1,
          maxItems: 4,
          uniqueItems: true,
          description: 'who set them: EMS, Other, SO, CSO (2.1: any source name)',
        },
      },
      additionalProperties: false,
    },
    toOcpp: (criteria, { version }) => {
      if (version === '1.6') throw new UnsupportedCommandError('getChargingProfiles', version, 'OCPP 1.6 has no GetChargingProfiles; see GET /stations/:id/charging-profiles for what Ampyard set');
      if (version === '2.0.1') {
        const problems = [];
        if (criteria.purpose && only21.has(criteria.purpose)) problems.push({ field: 'purpose', message: `${criteria.purpose} is an OCPP 2.1 purpose` });
        const unknown = (criteria.sources ?? []).filter((s) => !sources201.includes(s));
        if (unknown.length) problems.push({ field: 'sources', message: `must be among ${sources201.join(', ')} for OCPP 2.0.1 (not ${unknown.join(', ')})` });
        if (problems.length) throw new ParamsError(problems);
      }
      const chargingProfile: Record<string, unknown> = {};
      if (criteria.purpose) chargingProfile['chargingProfilePurpose'] = purposes2x[criteria.purpose];
      if (criteria.stackLevel !== undefined) chargingProfile['stackLevel'] = criteria.stackLevel;
      if (criteria.profileIds) chargingProfile['chargingProfileId'] = criteria.profileIds;
      if (criteria.sources) chargingProfile['chargingLimitSource'] = criteria.sources;
      const payload: Record<string, unknown> = { requestId: nextRequestId(), chargingProfile };
      if (criteria.evseId !== undefined) payload['evseId'] = criteria.evseId;
      return { action: 'GetChargingProfiles', payload };
    },
    interpret: async (response, criteria, { station }, request) => {
      const outcome = defaultOutcome(response);
      const requestId = request.payload['requestId'] as number;
      const report = await chargingProfileReports.requested(station.id, requestId, { ...criteria }, outcome.status);
      return { ...outcome, result: { requestId, report } };
    },
  };

  return [getChargingProfiles];
}
