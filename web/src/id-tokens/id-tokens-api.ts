// ID-token groups, CSV import and the local list's sync state per station (src/api/routes/id-token-groups.ts, id-token-import.ts, local-list.ts).
import { request } from '../api.ts';

const enc = encodeURIComponent;

export interface IdTokenGroup {
  id: string;
  label: string | null;
  members: number;
}
export const fetchGroups = () => request<{ items: IdTokenGroup[] }>('GET', '/id-token-groups');
export const createGroup = (body: { id: string; label: string }) => request<IdTokenGroup>('POST', '/id-token-groups', { body });
export const relabelGroup = (id: string, label: string) => request<IdTokenGroup>('PATCH', `/id-token-groups/${enc(id)}`, { body: { label } });
export const deleteGroup = (id: string) => request<void>('DELETE', `/id-token-groups/${enc(id)}`);

export interface ImportCounts {
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
}
/** All or nothing: a file with problems throws an ApiError whose fields are named "line N: field". */
export const importCsv = (csv: string, dryRun: boolean) => request<ImportCounts>('POST', `/id-tokens/import${dryRun ? '?dryRun=true' : ''}`, { text: { body: csv, contentType: 'text/csv' } });

export interface StationListSync {
  stationId: string;
  syncStatus: 'in_sync' | 'out_of_date' | 'failed' | 'unknown';
  lastSent: { version: number; updateType: string; at: string; answer: string } | null;
  pendingChanges: number;
}
export const fetchLocalList = () => request<{ revision: number; entries: number; items: StationListSync[] }>('GET', '/local-list');
