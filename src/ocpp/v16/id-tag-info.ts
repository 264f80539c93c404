import type { Authorization } from '../../domain/id-tokens.ts';

/** OCPP 1.6 IdTagInfo from a version-neutral authorization (1.6 has no "unknown": it is Invalid). */
export function idTagInfo(auth: Authorization): Record<string, unknown> {
  const status = { accepted: 'Accepted', blocked: 'Blocked', expired: 'Expired', invalid: 'Invalid', unknown: 'Invalid' }[auth.status];
  const info: Record<string, unknown> = { status };
  if (auth.expiresAt) info['expiryDate'] = auth.expiresAt;
  if (auth.groupId) info['parentIdTag'] = auth.groupId.slice(0, 20);
  return info;
}
