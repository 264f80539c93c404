// The admin settings' API calls (users, API tokens, webhooks, security, backups, about); see src/api/routes.
import { API_BASE, request } from '../api.ts';
import type { Role } from '../auth-api.ts';

const enc = encodeURIComponent;
interface List<T> {
  items: T[];
  total?: number;
}

export interface UserRecord {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  lastLoginAt: string | null;
}
export const fetchUsers = () => request<List<UserRecord>>('GET', '/users');
export const createUser = (body: { username: string; password: string; role: Role }) => request<UserRecord>('POST', '/users', { body });
export const updateUser = (id: number, body: { role?: Role; password?: string; disabled?: boolean }) => request<UserRecord>('PATCH', `/users/${id}`, { body });
export const deleteUser = (id: number) => request<void>('DELETE', `/users/${id}`);

export interface ApiTokenRecord {
  id: number;
  username: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export const fetchApiTokens = () => request<List<ApiTokenRecord>>('GET', '/tokens');
/** The answer's `token` is the secret, shown this once. */
export const createApiToken = (body: { username: string; name: string }) => request<ApiTokenRecord & { token: string }>('POST', '/tokens', { body });
export const revokeApiToken = (id: number) => request<void>('DELETE', `/tokens/${id}`);

export interface WebhookRecord {
  id: number;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  pending: number;
  dropped: number;
  lastDelivery: { at: string; status: string; responseStatus: number | null } | null;
}
export interface WebhookForm {
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  secret?: string;
}
export const fetchWebhooks = () => request<List<WebhookRecord>>('GET', '/webhooks');
export const fetchWebhookEventTypes = () => request<List<{ type: string; description: string }>>('GET', '/webhooks/event-types');
/** The answer's `secret` is shown this once. */
export const createWebhook = (body: WebhookForm) => request<WebhookRecord & { secret: string }>('POST', '/webhooks', { body });
export const updateWebhook = (id: number, body: Partial<WebhookForm> & { rotateSecret?: boolean }) => request<WebhookRecord & { secret?: string }>('PATCH', `/webhooks/${id}`, { body });
export const deleteWebhook = (id: number) => request<void>('DELETE', `/webhooks/${id}`);
export const pingWebhook = (id: number) => request<unknown>('POST', `/webhooks/${id}/ping`);

export interface SecurityOverview {
  ca: { subject: string; fingerprintSha256: string; notAfter: string; imported: boolean; organization: string };
  tls: { port: number | null; enabled: boolean };
  policy: { allowProfile0: boolean; unconfiguredStationsNeed: string };
}
export interface StationSecurityRecord {
  stationId: string;
  securityProfile: 0 | 1 | 2 | 3 | null;
  pendingProfile: number | null;
  hasPassword: boolean;
  passwordSetAt: string | null;
  lastProfile: number | null;
  lastCertificateSerial: string | null;
}
export const fetchSecurity = () => request<SecurityOverview>('GET', '/security');
export const fetchStationSecurity = () => request<List<StationSecurityRecord>>('GET', '/security/stations');
export const setStationProfile = (id: string, securityProfile: number | null) => request<unknown>('PUT', `/stations/${enc(id)}/security`, { body: { securityProfile } });
/** Generates the password Ampyard expects from the station; the answer's `password` is shown this once. */
export const newStationPassword = (id: string) => request<{ username: string; password?: string }>('PUT', `/stations/${enc(id)}/security/password`, { body: {} });

export interface BackupRecord {
  name: string;
  kind: 'daily' | 'manual';
  bytes: number;
  createdAt: string;
}
export const fetchBackups = () => request<List<BackupRecord>>('GET', '/backups');
export const createBackup = () => request<BackupRecord>('POST', '/backups');
export const backupUrl = (name: string) => `${API_BASE}/backups/${enc(name)}`;

export interface About {
  version: string;
  dataDir: string;
  startedAt: string;
  uptimeSeconds: number;
  databaseBytes: number;
  licence: string;
  apiDocs: string;
}
export const fetchAbout = () => request<About>('GET', '/about');
