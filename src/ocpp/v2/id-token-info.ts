import type { Authorization } from '../../domain/id-tokens.ts';

/** OCPP 2.x IdTokenInfo from a version-neutral authorization. */
export function idTokenInfo(auth: Authorization): Record<string, unknown> {
  const status = { accepted: 'Accepted', blocked: 'Blocked', expired: 'Expired', invalid: 'Invalid', unknown: 'Unknown' }[auth.status];
  const info: Record<string, unknown> = { status };
  if (auth.expiresAt) info['cacheExpiryDateTime'] = auth.expiresAt;
  if (auth.groupId) info['groupIdToken'] = { idToken: auth.groupId, type: 'Central' };
  return info;
}
