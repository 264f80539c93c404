import type { Services } from '../app/services.ts';
import type { LocalListEntry, LocalListUpdate, LocalListUpdateType } from '../domain/local-list.ts';
import { int } from '../ocpp/payload.ts';
import { idTagInfo } from '../ocpp/v16/id-tag-info.ts';
import { defaultOutcome, type CommandSpec, type OcppRequest } from './spec.ts';

const v2Status = { accepted: 'Accepted', blocked: 'Blocked', expired: 'Expired', invalid: 'Invalid' } as const;

function v16Request(update: LocalListUpdate): OcppRequest {
  const list = update.entries.map((e: LocalListEntry) => (e.info ? { idTag: e.token, idTagInfo: idTagInfo({ ...e.info, token: e.token }) } : { idTag: e.token }));
  return { action: 'SendLocalList', payload: { listVersion: update.version, updateType: update.updateType === 'full' ? 'Full' : 'Differential', localAuthorizationList: list } };
}

function v2Request(update: LocalListUpdate): OcppRequest {
  const list = update.entries.map((e: LocalListEntry) => {
    const idToken = { idToken: e.token, type: e.type };
    if (!e.info) return { idToken };
    const idTokenInfo: Record<string, unknown> = { status: v2Status[e.info.status] };
    if (e.info.expiresAt) idTokenInfo['cacheExpiryDateTime'] = e.info.expiresAt;
    if (e.info.groupId) idTokenInfo['groupIdToken'] = { idToken: e.info.groupId, type: 'Central' };
    return { idToken, idTokenInfo };
  });
  const payload: Record<string, unknown> = { versionNumber: update.version, updateType: update.updateType === 'full' ? 'Full' : 'Differential' };
  // 2.x requires at least one entry when the list is present.
  if (list.length > 0) payload['localAuthorizationList'] = list;
  return { action: 'SendLocalList', payload };
}

export function localListCommands(services: Services): CommandSpec[] {
  const { localList } = services;
  // The update built for a call, by its params object (the runner passes the same object to toOcpp and interpret).
  const prepared = new WeakMap<object, LocalListUpdate>();

  const sendLocalList: CommandSpec<{ mode: LocalListUpdateType }> = {
    name: 'sendLocalList',
    summary: 'Send the local authorization list: in full, or only what changed since the version the station accepted (a full list when the station needs one).',
    params: { type: 'object', properties: { mode: { enum: ['full', 'differential'], default: 'differential' } }, additionalProperties: false },
    toOcpp: async (params, { station, version }) => {
      const maxLength = version === '1.6' ? 20 : 36;
      const update = await localList.prepare(station.id, params.mode, (token) => token.length <= maxLength);
      prepared.set(params, update);
      return version === '1.6' ? v16Request(update) : v2Request(update);
    },
    interpret: async (response, params) => {
      const update = prepared.get(params)!;
      const outcome = defaultOutcome(response);
      const sync = await localList.answered(update, outcome.status);
      return { ...outcome, result: { version: update.version, updateType: update.updateType, entries: update.entries.length, skipped: update.skipped, sync } };
    },
  };

  const getLocalListVersion: CommandSpec<Record<string, never>> = {
    name: 'getLocalListVersion',
    summary: 'Ask the station which version of the local authorization list it has.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    toOcpp: () => ({ action: 'GetLocalListVersion', payload: {} }),
    interpret: async (response, _params, { station, version }) => {
      const reported = int(version === '1.6' ? response['listVersion'] : response['versionNumber']) ?? 0;
      return { status: 'accepted', response, result: { version: reported, sync: await localList.reported(station.id, reported) } };
    },
  };

  return [sendLocalList, getLocalListVersion];
}
