// Calls for firmware and logs: the library (upload, list, delete), every station's latest firmware status, a
// station's update and log-upload jobs with the files it sent, and the updateFirmware command (shapes as in
// src/domain/firmware-library.ts and station-job.ts).
import { API_BASE, request } from './api.ts';

export interface FirmwareFile {
  id: number;
  name: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface StationFirmwareState {
  stationId: string;
  /** snake_case of the OCPP status, e.g. `downloading`, `installed`, `download_failed`. */
  status: string;
  jobId: number | null;
  at: string;
}

export interface JobStatusEntry {
  at: string;
  status: string;
  source: 'ampyard' | 'station';
  detail: string | null;
}

export interface StationFile {
  id: number;
  name: string;
  size: number;
  receivedAt: string;
}

export interface FirmwareJob {
  id: number;
  kind: string;
  firmwareId: number | null;
  status: string;
  state: 'pending' | 'active' | 'succeeded' | 'failed';
  createdAt: string;
  updatedAt: string;
  history: JobStatusEntry[];
  files: StationFile[];
}

const enc = encodeURIComponent;

export const fetchFirmware = () => request<{ items: FirmwareFile[]; total: number; maxBytes: number }>('GET', '/firmware?sort=-createdAt&limit=200');
export const uploadFirmware = (file: File) => request<FirmwareFile>('POST', `/firmware?name=${enc(file.name)}`, { text: { body: file, contentType: 'application/octet-stream' } });
export const deleteFirmware = (id: number) => request<void>('DELETE', `/firmware/${id}`);
export const fetchFirmwareStates = () => request<{ items: StationFirmwareState[] }>('GET', '/firmware/states');
export const fetchFirmwareJobs = (stationId: string) =>
  request<{ firmwareVersion: string | null; current: StationFirmwareState | null; items: FirmwareJob[] }>('GET', `/stations/${enc(stationId)}/firmware-jobs?limit=10`);
export const fetchLogJobs = (stationId: string) => request<{ items: FirmwareJob[] }>('GET', `/stations/${enc(stationId)}/diagnostics-jobs?limit=10`);
export const fileHref = (stationId: string, fileId: number) => `${API_BASE}/stations/${enc(stationId)}/files/${fileId}`;
export const startFirmwareUpdate = (stationId: string, firmwareId: number) =>
  request<{ status: string }>('POST', `/stations/${enc(stationId)}/commands/updateFirmware`, { body: { firmwareId } });

/** `download_failed` → `download failed`. */
export const firmwareStatusText = (status: string) => status.replace(/_/g, ' ');
