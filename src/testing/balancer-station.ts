import type { OcppVersion } from '../ocpp/versions.ts';
import { postJson } from './raw-client.ts';
import type { TestServer } from './server.ts';
import { strictStation, type StrictClient } from './strict-station.ts';

export interface ProfileCall {
  at: number;
  answeredAt: number | null;
  params: any;
}

/** How the station answers a SetChargingProfile: a status, after a delay, or never (the CSMS times out). */
export type Answer = 'Accepted' | 'Rejected' | 'silent' | { status: 'Accepted' | 'Rejected'; delayMs: number };

export interface BalancerStation {
  id: string;
  version: OcppVersion;
  cp: StrictClient;
  calls: ProfileCall[];
  /** ClearChargingProfile requests. */
  clears: any[];
  strictFailures: unknown[];
  answer: (params: any) => Answer;
  /** SetChargingProfile calls for live allocations (not the fail-safe ones on EVSE 0). */
  allocations(): ProfileCall[];
  /** The fail-safe ones (EVSE 0). */
  fallbacks(): ProfileCall[];
  /**
   * The newest fail-safe station-max and TxDefault profiles received, once both have arrived (a send that timed
   * out under load is retried, so a station may receive more than two fail-safe calls).
   */
  failSafe(): [ProfileCall, ProfileCall] | undefined;
  /** The limit of the newest allocation profile sent for an EVSE. */
  lastLimit(evseId?: number): number | undefined;
  startSession(evseId: number, idToken: string): Promise<{ transactionId: number | string }>;
  meter(evseId: number, amps: number[]): Promise<void>;
  close(): Promise<void>;
}

const evseOf = (params: any): number => params.connectorId ?? params.evseId;
export const scheduleOf = (params: any) => (params.csChargingProfiles?.chargingSchedule ?? params.chargingProfile?.chargingSchedule?.[0]) as any;
export const purposeOf = (params: any): string => params.csChargingProfiles?.chargingProfilePurpose ?? params.chargingProfile?.chargingProfilePurpose;

/**
 * A strict ocpp-rpc station (1.6 or 2.0.1) that records every SetChargingProfile with when it arrived and when it was
 * answered, answers as `answer` says, and starts sessions and reports per-phase currents.
 */
export async function balancerStation(server: TestServer, id: string, version: OcppVersion): Promise<BalancerStation> {
  const cp = await strictStation(server, id, version, { callTimeoutMs: 5000 });
  const calls: ProfileCall[] = [];
  const clears: any[] = [];
  const strictFailures: unknown[] = [];
  const txIds = new Map<number, number | string>();
  let seqNo = 0;
  cp.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  const station: BalancerStation = {
    id, version, cp, calls, clears, strictFailures,
    answer: () => 'Accepted',
    allocations: () => calls.filter((c) => evseOf(c.params) !== 0),
    fallbacks: () => calls.filter((c) => evseOf(c.params) === 0),
    failSafe() {
      const purpose = (c: ProfileCall) => (c.params.csChargingProfiles ?? c.params.chargingProfile).chargingProfilePurpose as string;
      const fallbacks = calls.filter((c) => evseOf(c.params) === 0);
      const max = fallbacks.filter((c) => /MaxProfile$/.test(purpose(c))).at(-1);
      const txDefault = fallbacks.filter((c) => purpose(c) === 'TxDefaultProfile').at(-1);
      return max && txDefault ? [max, txDefault] : undefined;
    },
    lastLimit(evseId) {
      const last = station.allocations().filter((c) => evseId === undefined || evseOf(c.params) === evseId).at(-1);
      return last ? scheduleOf(last.params).chargingSchedulePeriod[0].limit : undefined;
    },
    async startSession(evseId, idToken) {
      const timestamp = new Date().toISOString();
      if (version === '1.6') {
        const answer: any = await cp.call('StartTransaction', { connectorId: evseId, idTag: idToken, meterStart: 0, timestamp });
        txIds.set(evseId, answer.transactionId);
        return { transactionId: answer.transactionId };
      }
      const transactionId = `${id}-TX-${evseId}-${Date.now()}`;
      txIds.set(evseId, transactionId);
      await cp.call('TransactionEvent', {
        eventType: 'Started', timestamp, triggerReason: 'Authorized', seqNo: seqNo++,
        transactionInfo: { transactionId, chargingState: 'Charging' }, evse: { id: evseId, connectorId: 1 }, idToken: { idToken, type: 'ISO14443' },
      });
      return { transactionId };
    },
    async meter(evseId, amps) {
      const timestamp = new Date().toISOString();
      if (version === '1.6') {
        const sampledValue = amps.map((a, i) => ({ value: String(a), measurand: 'Current.Import', phase: `L${i + 1}`, unit: 'A' }));
        await cp.call('MeterValues', { connectorId: evseId, transactionId: txIds.get(evseId), meterValue: [{ timestamp, sampledValue }] });
        return;
      }
      const sampledValue = amps.map((a, i) => ({ value: a, measurand: 'Current.Import', phase: `L${i + 1}`, unitOfMeasure: { unit: 'A' } }));
      await cp.call('TransactionEvent', {
        eventType: 'Updated', timestamp, triggerReason: 'MeterValuePeriodic', seqNo: seqNo++,
        transactionInfo: { transactionId: txIds.get(evseId) }, meterValue: [{ timestamp, sampledValue }],
      });
    },
    close: async () => {
      await cp.close({ code: 1000, force: true });
    },
  };
  cp.handle('SetChargingProfile', ({ params }: { params?: any }) => {
    const call: ProfileCall = { at: Date.now(), answeredAt: null, params };
    calls.push(call);
    const answer = station.answer(params);
    if (answer === 'silent') return new Promise<Record<string, unknown>>(() => undefined);
    const { status, delayMs } = typeof answer === 'string' ? { status: answer, delayMs: 0 } : answer;
    return new Promise<Record<string, unknown>>((resolve) =>
      setTimeout(() => {
        call.answeredAt = Date.now();
        resolve({ status });
      }, delayMs),
    );
  });
  cp.handle('ClearChargingProfile', async ({ params }: { params?: any }) => {
    clears.push(params);
    return { status: 'Accepted' };
  });
  return station;
}

/** Registers a station and places it on a circuit before it connects (so its first boot gets the fail-safe profiles). */
export async function placeStation(server: TestServer, id: string, electrical: unknown): Promise<void> {
  await postJson(`${server.baseUrl}/api/v1/stations`, { id });
  const res = await server.api(`/stations/${encodeURIComponent(id)}/electrical`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(electrical) });
  if (res.status !== 200) throw new Error(`PUT electrical ${id}: ${res.status} ${await res.text()}`);
}

export async function sendJson(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await server.api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}
