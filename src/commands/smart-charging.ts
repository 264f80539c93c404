import type { Services } from '../app/services.ts';
import { chargingProfileProblems, chargingProfileSchema, type ChargingProfile, type ChargingRateUnit } from '../domain/charging-profile.ts';
import type { ClearCriteria } from '../domain/charging-profiles.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { Station } from '../domain/station.ts';
import { compositeScheduleFromOcpp, purposeTo16, purposeTo2, setChargingProfile16, setChargingProfile2 } from '../ocpp/charging-profiles.ts';
import type { OcppVersion } from '../ocpp/versions.ts';
import { ParamsError } from './params.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandContext, type CommandSpec, type OcppRequest } from './spec.ts';

/** The stack level `setLimit` uses; profiles at higher levels (e.g. a schedule) take precedence over it. */
export const SET_LIMIT_STACK_LEVEL = 1;

type NewProfile = Omit<ChargingProfile, 'id'> & { id?: number };

/** Params of the load-management driver's own fail-safe sends: the only station-wide profiles not held to the share. */
const failSafeSends = new WeakSet<object>();

/** Marks `params` as the driver's fail-safe profile (see `fallbackProfiles`), which may go above the share for its lease. */
export function asFailSafeSend<T extends object>(params: T): T {
  failSafeSends.add(params);
  return params;
}
interface SetParams {
  evseId: number;
  profile: NewProfile;
}

const evseParam = { type: 'integer', minimum: 0, maximum: 1000, description: 'EVSE id (OCPP 1.6: the connector id); 0 = the whole station' };
const purposeParam = { enum: ['stationMax', 'txDefault', 'tx'] };
const iso = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

/** Times in UTC with milliseconds, as stored and sent; optional fields left out rather than undefined. */
function normalise(profile: NewProfile, id: number): ChargingProfile {
  const { startSchedule, ...schedule } = profile.schedule;
  const out: ChargingProfile = { ...profile, id, schedule: { ...schedule, ...(startSchedule ? { startSchedule: iso(startSchedule)! } : {}) } };
  if (profile.validFrom) out.validFrom = iso(profile.validFrom)!;
  if (profile.validTo) out.validTo = iso(profile.validTo)!;
  return out;
}

export function smartChargingCommands(services: Services): CommandSpec[] {
  const { chargingProfiles, transactions, log } = services;
  // The profile as sent for a call, by its params object (the runner passes the same object to toOcpp and interpret).
  const sent = new WeakMap<object, { evseId: number; profile: ChargingProfile }>();

  /** The OCPP call that sets `profile`; a tx profile's transaction must be running on that EVSE of this station. */
  function setRequest(station: Station, version: OcppVersion, evseId: number, profile: ChargingProfile): OcppRequest {
    let stationTxId: string | undefined;
    if (profile.transactionId !== undefined) {
      const tx = transactions.get(profile.transactionId);
      if (!tx || tx.stationId !== station.id) throw new NotFoundError(`no transaction ${profile.transactionId} on station ${station.id}`);
      if (tx.status !== 'active') throw new ConflictError(`transaction ${profile.transactionId} has ended`);
      if (tx.evseId !== evseId) throw new ParamsError([{ field: 'evseId', message: `must be ${tx.evseId}, the EVSE of transaction ${tx.id}` }]);
      stationTxId = tx.stationTxId;
    }
    return version === '1.6'
      ? { action: 'SetChargingProfile', payload: setChargingProfile16(evseId, profile) }
      : { action: 'SetChargingProfile', payload: setChargingProfile2(evseId, profile, stationTxId) };
  }

  /**
   * A station-wide profile (EVSE 0: max or default) above a managed station's fail-safe share would override the
   * fail-safe profile, at a higher stack level or in its slot, and hold when Ampyard is gone: refused (409).
   */
  function guardFailSafe(params: object, stationId: string, evseId: number, profile: ChargingProfile): void {
    if (evseId !== 0 || (profile.purpose !== 'stationMax' && profile.purpose !== 'txDefault') || failSafeSends.has(params)) return;
    const unit = profile.schedule.unit;
    const share = services.balancer?.driver.failSafeLimit(stationId, unit);
    if (share === undefined) return;
    const highest = Math.max(...profile.schedule.periods.map((p) => p.limit));
    if (highest <= share) return;
    throw new ConflictError(`station ${stationId} is under load management: a station-wide limit of ${highest} ${unit} is above its fail-safe share of ${share} ${unit} and would override the fail-safe profile; set at most ${share} ${unit}, or take the station out of the site model`);
  }

  function prepare(params: object, { station, version }: CommandContext, evseId: number, profile: ChargingProfile): OcppRequest {
    guardFailSafe(params, station.id, evseId, profile);
    const request = setRequest(station, version, evseId, profile);
    sent.set(params, { evseId, profile });
    return request;
  }

  async function recordAnswer(response: Record<string, unknown>, params: object, station: Station) {
    const { evseId, profile } = sent.get(params)!;
    const outcome = defaultOutcome(response);
    await chargingProfiles.answered(station.id, evseId, profile, outcome.status);
    return { ...outcome, result: { evseId, profile } };
  }

  const setChargingProfile: CommandSpec<SetParams> = {
    name: 'setChargingProfile',
    summary: 'Set a charging profile on an EVSE (0: the whole station); Ampyard keeps it to show and re-apply.',
    params: { type: 'object', properties: { evseId: evseParam, profile: chargingProfileSchema }, required: ['evseId', 'profile'], additionalProperties: false },
    toOcpp: (params, ctx) => {
      const problems = chargingProfileProblems(params.evseId, params.profile);
      if (problems.length) throw new ParamsError(problems);
      return prepare(params, ctx, params.evseId, normalise(params.profile, params.profile.id ?? chargingProfiles.nextId()));
    },
    interpret: (response, params, { station }) => recordAnswer(response, params, station),
  };

  const setLimit: CommandSpec<{ evseId: number; limit: number; unit: ChargingRateUnit }> = {
    name: 'setLimit',
    summary: `Limit the whole station (EVSE 0: a stationMax profile) or an EVSE (a txDefault profile), from now on, at stack level ${SET_LIMIT_STACK_LEVEL}.`,
    params: {
      type: 'object',
      properties: { evseId: evseParam, limit: { type: 'number', minimum: 0, maximum: 1e9 }, unit: { enum: ['A', 'W'] } },
      required: ['evseId', 'limit', 'unit'],
      additionalProperties: false,
    },
    toOcpp: (params, ctx) => {
      const { evseId, limit, unit } = params;
      const purpose = evseId === 0 ? 'stationMax' : 'txDefault';
      const profile: NewProfile = {
        stackLevel: SET_LIMIT_STACK_LEVEL,
        purpose,
        kind: 'absolute',
        schedule: { unit, startSchedule: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(), periods: [{ startSeconds: 0, limit }] },
      };
      const problems = chargingProfileProblems(evseId, profile).map((p) => (p.field.endsWith('.limit') ? { ...p, field: 'limit' } : p));
      if (problems.length) throw new ParamsError(problems);
      // The same slot again replaces the earlier limit (2.x stations refuse a second profile in one slot).
      const id = chargingProfiles.idInSlot(ctx.station.id, evseId, purpose, SET_LIMIT_STACK_LEVEL) ?? chargingProfiles.nextId();
      return prepare(params, ctx, evseId, normalise(profile, id));
    },
    interpret: (response, params, { station }) => recordAnswer(response, params, station),
  };

  const clearChargingProfile: CommandSpec<ClearCriteria> = {
    name: 'clearChargingProfile',
    summary: 'Clear charging profiles: one by id, or those matching EVSE, purpose and stack level (none given: all).',
    params: {
      type: 'object',
      properties: { profileId: { type: 'integer', minimum: 1 }, evseId: evseParam, purpose: purposeParam, stackLevel: { type: 'integer', minimum: 0 } },
      additionalProperties: false,
    },
    toOcpp: (criteria, { version }) => {
      const { profileId, evseId, purpose, stackLevel } = criteria;
      if (profileId !== undefined && (evseId !== undefined || purpose !== undefined || stackLevel !== undefined)) {
        throw new ParamsError([{ field: 'profileId', message: 'cannot be combined with evseId, purpose or stackLevel' }]);
      }
      if (version === '1.6') {
        const payload: Record<string, unknown> = {};
        if (profileId !== undefined) payload['id'] = profileId;
        if (evseId !== undefined) payload['connectorId'] = evseId;
        if (purpose) payload['chargingProfilePurpose'] = purposeTo16(purpose);
        if (stackLevel !== undefined) payload['stackLevel'] = stackLevel;
        return { action: 'ClearChargingProfile', payload };
      }
      if (profileId !== undefined) return { action: 'ClearChargingProfile', payload: { chargingProfileId: profileId } };
      const match: Record<string, unknown> = {};
      if (evseId !== undefined) match['evseId'] = evseId;
      if (purpose) match['chargingProfilePurpose'] = purposeTo2(purpose);
      if (stackLevel !== undefined) match['stackLevel'] = stackLevel;
      return { action: 'ClearChargingProfile', payload: Object.keys(match).length ? { chargingProfileCriteria: match } : {} };
    },
    interpret: async (response, criteria, { station }) => {
      const outcome = defaultOutcome(response);
      const removed = outcome.status === 'accepted' ? await chargingProfiles.cleared(station.id, criteria) : 0;
      return { ...outcome, result: { removed } };
    },
  };

  const getCompositeSchedule: CommandSpec<{ evseId: number; durationSeconds: number; unit?: ChargingRateUnit }> = {
    name: 'getCompositeSchedule',
    summary: 'Ask the station for the schedule it will follow on an EVSE (0: the grid connection) for the coming seconds.',
    params: {
      type: 'object',
      properties: { evseId: evseParam, durationSeconds: { type: 'integer', minimum: 1, maximum: 31 * 86_400 }, unit: { enum: ['A', 'W'] } },
      required: ['evseId', 'durationSeconds'],
      additionalProperties: false,
    },
    toOcpp: ({ evseId, durationSeconds, unit }, { version }) => {
      const payload: Record<string, unknown> = version === '1.6' ? { connectorId: evseId, duration: durationSeconds } : { evseId, duration: durationSeconds };
      if (unit) payload['chargingRateUnit'] = unit;
      return { action: 'GetCompositeSchedule', payload };
    },
    interpret: (response, _params, { version }) => {
      const outcome = defaultOutcome(response);
      return { ...outcome, result: outcome.status === 'accepted' ? compositeScheduleFromOcpp(response, version) : null };
    },
  };

  const reapplyChargingProfiles: CommandSpec<Record<string, never>> = {
    name: 'reapplyChargingProfiles',
    summary: 'Send every stored profile the station accepted, and that still applies, again.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    toOcpp: (_params, { version }) => {
      throw new UnsupportedCommandError('reapplyChargingProfiles as a single call', version);
    },
    perform: async (_params, { station, version }, send) => {
      const rows = chargingProfiles.reapplicable(station.id, (id) => transactions.get(id)?.status === 'active');
      const profiles: Array<{ profileId: number; evseId: number; status: string; error?: string }> = [];
      for (const { evseId, profile } of rows) {
        try {
          const request = setRequest(station, version, evseId, profile);
          const status = defaultOutcome(await send(request.action, request.payload)).status;
          await chargingProfiles.reapplied(station.id, profile.id, status);
          profiles.push({ profileId: profile.id, evseId, status });
        } catch (error) {
          log.warn('could not re-apply a charging profile', { station: station.id, profile: profile.id, error: (error as Error).message });
          profiles.push({ profileId: profile.id, evseId, status: 'error', error: (error as Error).message });
        }
      }
      return { status: profiles.every((p) => p.status === 'accepted') ? 'accepted' : 'partial', response: {}, result: { profiles } };
    },
  };

  return [setChargingProfile, setLimit, clearChargingProfile, getCompositeSchedule, reapplyChargingProfiles];
}

/** After a station boots (and has had its BootNotification answer), sends it the profiles Ampyard keeps for it. */
export function reapplyProfilesOnBoot(services: Services, delayMs = 1000): void {
  const { events, chargingProfiles, transactions, commands, link, log } = services;
  events.subscribe((event) => {
    if (event.type !== 'station.booted' || event.data.registration !== 'accepted') return;
    const { stationId } = event.data;
    if (chargingProfiles.reapplicable(stationId, (id) => transactions.get(id)?.status === 'active').length === 0) return;
    // The boot handler has not answered yet; a call before that answer would reach a station not yet accepted.
    const timer = setTimeout(() => {
      if (!link.isConnected(stationId)) return;
      commands
        .run(stationId, 'reapplyChargingProfiles', {})
        .then((outcome) => log.info('re-applied charging profiles after boot', { station: stationId, status: outcome.status }))
        .catch((error: Error) => log.warn('could not re-apply charging profiles after boot', { station: stationId, error: error.message }));
    }, delayMs);
    timer.unref();
  });
}
