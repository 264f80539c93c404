// A realistic demo depot for the README screenshots, seeded through the real server's REST API and real OCPP 1.6
// stations (ocpp-rpc, answering the balancer's charging profiles): a 3×100 A grid connection with two feeders, chargers
// placed on them with phase rotations, fleet vehicles with departures charging now, ID tokens in groups, users, an
// API token, a webhook and a day of site power history.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SitePowerMinute } from '../../src/storage/site-power-repo.ts';
import { SitePowerRepo } from '../../src/storage/site-power-repo.ts';
import type { TestServer } from '../../src/testing/server.ts';
import { strictStation, type StrictClient } from '../../src/testing/strict-station.ts';
import { Ocpp16TestStation } from '../../web/test-support/ocpp16-test-station.ts';

export const TIME_ZONE = 'Europe/Berlin';
const VOLTAGE_V = 230;
const GRID_A = 100;
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS = [1, 2, 3, 4, 5];

type Phase = 'L1' | 'L2' | 'L3';
interface DemoEvse {
  status: 'Charging' | 'Available' | 'Faulted' | 'Preparing' | 'SuspendedEV';
  /** Who charges (a vehicle's or a staff card's token). */
  idTag?: string;
  /** What the car has been drawing. */
  kw?: number;
  rotation: Phase[];
  maxCurrentA: number;
}
interface DemoStation {
  id: string;
  vendor: string;
  model: string;
  circuitId: string;
  evses: DemoEvse[];
}

const STATIONS: DemoStation[] = [
  {
    id: 'DEPOT-A-01', vendor: 'Voltline', model: 'VL-22 Duo', circuitId: 'feeder-hall',
    evses: [
      { status: 'Charging', idTag: 'VAN-12', kw: 10.8, rotation: ['L1', 'L2', 'L3'], maxCurrentA: 32 },
      { status: 'Charging', idTag: 'TRUCK-03', kw: 21, rotation: ['L2', 'L3', 'L1'], maxCurrentA: 32 },
    ],
  },
  {
    id: 'DEPOT-A-02', vendor: 'Voltline', model: 'VL-22 Duo', circuitId: 'feeder-hall',
    evses: [
      { status: 'Charging', idTag: 'VAN-14', kw: 10.6, rotation: ['L3', 'L1', 'L2'], maxCurrentA: 32 },
      { status: 'Available', rotation: ['L1', 'L2', 'L3'], maxCurrentA: 32 },
    ],
  },
  {
    id: 'DEPOT-A-03', vendor: 'Voltline', model: 'VL-22 Duo', circuitId: 'feeder-hall',
    evses: [
      { status: 'Available', rotation: ['L2', 'L3', 'L1'], maxCurrentA: 32 },
      { status: 'Faulted', rotation: ['L3', 'L1', 'L2'], maxCurrentA: 32 },
    ],
  },
  { id: 'DEPOT-B-01', vendor: 'Gridwise', model: 'GW Pro 11', circuitId: 'feeder-yard', evses: [{ status: 'Charging', idTag: 'CARD-0002', kw: 10.9, rotation: ['L1', 'L2', 'L3'], maxCurrentA: 16 }] },
  { id: 'DEPOT-B-02', vendor: 'Gridwise', model: 'GW Pro 7 S', circuitId: 'feeder-yard', evses: [{ status: 'SuspendedEV', idTag: 'VAN-21', kw: 7.2, rotation: ['L3'], maxCurrentA: 32 }] },
];

export interface Depot {
  stations: StrictClient[];
  newcomer: Ocpp16TestStation;
  /** The active session of the first vehicle, for the session-detail screenshot. */
  sessionId: number;
  close(): Promise<void>;
}

async function send(server: TestServer, method: string, path: string, body?: unknown): Promise<any> {
  const res = await server.api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** "HH:MM" in the site's time zone, `hours` from now, on a quarter hour. */
function localTime(hours: number): string {
  const at = Math.round((Date.now() + hours * 3_600_000) / 900_000) * 900_000;
  return new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** 24 h of per-minute site power for a 3×100 A depot: the workshop by day, the fleet charging in the evening and night. */
function depotDay(now: number): SitePowerMinute[] {
  const rows: SitePowerMinute[] = [];
  const end = Math.floor(now / 60_000) * 60;
  const zone = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  // How much of the fleet is plugged in and charging, by hour of the day (vans back from 16:00, gone by 07:00).
  const fleet = (h: number) => (h >= 16 ? Math.min(1, (h - 16) / 3) : h < 4 ? 1 : h < 7 ? (7 - h) / 3 : 0);
  for (let minute = end - 86_400; minute < end; minute += 60) {
    const [hh = 0, mm = 0] = zone.format(minute * 1000).split(':').map(Number);
    const hour = hh + mm / 60;
    const buildingW = 6_000 + 9_000 * Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) + 800 * Math.sin(minute / 420);
    const chargersW = 4_000 + 44_000 * fleet(hour) * (0.9 + 0.1 * Math.sin(minute / 1100)) + 3_000 * Math.max(0, Math.sin(minute / 2000));
    const powerW = buildingW + chargersW;
    const perPhaseA = powerW / (3 * VOLTAGE_V);
    rows.push({ minute, samples: 12, powerW, powerMaxW: powerW * 1.06, phaseA: [perPhaseA * 1.04, perPhaseA * 0.95, perPhaseA * 1.01], limitW: 3 * GRID_A * VOLTAGE_V, limitA: GRID_A, buildingW });
  }
  return rows;
}

/** A local receiver so the demo webhook's deliveries succeed. */
async function webhookReceiver(): Promise<Server> {
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return receiver;
}

async function connectStation(server: TestServer, demo: DemoStation): Promise<StrictClient> {
  await send(server, 'POST', '/stations', { id: demo.id });
  await send(server, 'PUT', `/stations/${demo.id}/electrical`, {
    circuitId: demo.circuitId,
    evses: demo.evses.map((e, i) => ({ evseId: i + 1, kind: 'AC', phases: e.rotation.length, rotation: e.rotation, minCurrentA: 6, maxCurrentA: e.maxCurrentA, unit: 'A' })),
  });
  const cp = await strictStation(server, demo.id, '1.6', { register: false, boot: false, callTimeoutMs: 10_000 });
  const answer = (result: Record<string, unknown>) => async (_call: { params?: unknown }) => result;
  cp.handle('SetChargingProfile', answer({ status: 'Accepted' }));
  cp.handle('ClearChargingProfile', answer({ status: 'Accepted' }));
  cp.handle('TriggerMessage', answer({ status: 'Accepted' }));
  cp.handle('ChangeConfiguration', answer({ status: 'Accepted' }));
  cp.handle('GetConfiguration', answer({ configurationKey: [], unknownKey: [] }));
  cp.handle('UpdateFirmware', answer({}));
  await cp.call('BootNotification', { chargePointVendor: demo.vendor, chargePointModel: demo.model, firmwareVersion: '3.4.1', chargePointSerialNumber: `${demo.id}-SN` });
  return cp;
}

export async function seedDepot(server: TestServer): Promise<Depot> {
  const receiver = await webhookReceiver();
  const now = Date.now();

  await send(server, 'PATCH', '/settings', { siteName: 'North depot', gridLimitA: GRID_A });
  await send(server, 'PATCH', '/site/config', { timeZone: TIME_ZONE });

  // The electrical tree: the grid connection, the workshop hall's feeder and the yard's (derated on L3, less in the evening peak).
  await send(server, 'POST', '/site/circuits', { id: 'grid', name: 'Grid connection 3×100 A', limitA: GRID_A, marginA: 3 });
  await send(server, 'POST', '/site/circuits', { id: 'feeder-hall', name: 'Feeder A · workshop hall', parentId: 'grid', limitA: 63, marginA: 1 });
  await send(server, 'POST', '/site/circuits', {
    id: 'feeder-yard', name: 'Feeder B · yard', parentId: 'grid', limitA: [40, 40, 32], marginA: 1,
    schedule: [{ days: WEEKDAYS, from: '17:00', to: '20:00', limitA: 25 }],
  });

  // ID tokens in groups: the fleet's vehicle tags and the staff's cards.
  await send(server, 'POST', '/id-token-groups', { id: 'FLEET', label: 'Depot fleet' });
  await send(server, 'POST', '/id-token-groups', { id: 'STAFF', label: 'Staff cards' });
  const tokens: [string, string, string, Record<string, unknown>?][] = [
    ['VAN-12', 'eVan 12 tag', 'FLEET'],
    ['VAN-14', 'eVan 14 tag', 'FLEET'],
    ['VAN-21', 'eVan 21 tag', 'FLEET'],
    ['TRUCK-03', 'eTruck 3 tag', 'FLEET'],
    ['POOL-2', 'Pool car 2 tag', 'FLEET'],
    ['CARD-0001', 'A. Novak (workshop)', 'STAFF'],
    ['CARD-0002', 'J. Meyer (dispatch)', 'STAFF'],
    ['CARD-0003', 'Visitor card', 'STAFF', { expiresAt: new Date(now + 14 * 86_400_000).toISOString() }],
    ['CARD-0004', 'Lost card (M. Weber)', 'STAFF', { status: 'blocked' }],
  ];
  for (const [token, label, groupId, extra] of tokens) await send(server, 'POST', '/id-tokens', { token, label, groupId, ...extra });

  // Fleet vehicles with their tags and departures (relative to now, so the plans have something to say).
  const vehicles = [
    { id: 'van-12', name: 'eVan 12 · Vivaro-e', idTokens: ['VAN-12'], batteryKwh: 75, maxChargeKw: 11, phases: 3, departures: [{ days: ALL_DAYS, at: localTime(5), targetEnergyKwh: 38 }] },
    { id: 'van-14', name: 'eVan 14 · Vivaro-e', idTokens: ['VAN-14'], batteryKwh: 75, maxChargeKw: 11, phases: 3, priority: 5, departures: [{ days: ALL_DAYS, at: localTime(1.5), targetEnergyKwh: 60 }] },
    { id: 'truck-03', name: 'eTruck 3 · eActros 300', idTokens: ['TRUCK-03'], batteryKwh: 336, maxChargeKw: 22, phases: 3, priority: 10, departures: [{ days: ALL_DAYS, at: localTime(9), targetEnergyKwh: 140 }] },
    { id: 'van-21', name: 'eVan 21 · e-Transit', idTokens: ['VAN-21'], batteryKwh: 68, maxChargeKw: 7.4, phases: 1, departures: [{ days: WEEKDAYS, at: '07:00', targetSocPct: 90 }] },
    { id: 'pool-2', name: 'Pool car 2 · ID.3', idTokens: ['POOL-2'], batteryKwh: 58, maxChargeKw: 11, phases: 3, priority: -5, departures: [{ days: WEEKDAYS, at: '08:00', arriveAt: '18:00', targetSocPct: 80 }] },
  ];
  for (const vehicle of vehicles) await send(server, 'POST', '/site/vehicles', vehicle);

  // Users, an API token for the telematics integration and a webhook.
  await send(server, 'POST', '/users', { username: 'j.meyer', password: 'Dispatch-demo-2024!', role: 'operator' });
  await send(server, 'POST', '/users', { username: 'a.novak', password: 'Workshop-demo-2024!', role: 'operator' });
  await send(server, 'POST', '/users', { username: 'controller', password: 'Readonly-demo-2024!', role: 'viewer' });
  await send(server, 'POST', '/tokens', { username: 'j.meyer', name: 'Fleet telematics' });
  await send(server, 'POST', '/tokens', { username: 'controller', name: 'Monthly energy report' });
  const port = (receiver.address() as AddressInfo).port;
  await send(server, 'POST', '/webhooks', { url: `http://127.0.0.1:${port}/fleet/ampyard-events`, description: 'Fleet management system', events: ['transaction.started', 'transaction.ended', 'station.updated'] });

  // The chargers, their sessions with some history, and two finished sessions.
  const stations: StrictClient[] = [];
  let n = 0;
  let sessionId = 0;
  const sessions: { cp: StrictClient; stationId: string; connectorId: number; transactionId: number; energy: number; phases: number; suspended: boolean }[] = [];
  for (const demo of STATIONS) {
    const cp = await connectStation(server, demo);
    stations.push(cp);
    for (const [index, evse] of demo.evses.entries()) {
      const connectorId = index + 1;
      const faulted = evse.status === 'Faulted';
      await cp.call('StatusNotification', { connectorId, status: evse.status, errorCode: faulted ? 'GroundFailure' : 'NoError', timestamp: new Date().toISOString() });
      if (!evse.idTag) continue;
      n += 1;
      const meterStart = 100_000 * n;
      const started = now - (70 + n * 23) * 60_000;
      const start: any = await cp.call('StartTransaction', { connectorId, idTag: evse.idTag, meterStart, timestamp: new Date(started).toISOString() });
      const transactionId = start.transactionId as number;
      if (evse.idTag === 'VAN-12') sessionId = transactionId;
      const suspended = evse.status === 'SuspendedEV';
      const peakW = (evse.kw ?? 11) * 1000;
      let energy = meterStart;
      for (let minute = 0; minute * 60_000 < now - started; minute += 5) {
        const watts = suspended && minute > 60 ? 0 : Math.round(peakW * (0.97 - minute * 0.0004) + Math.sin(minute / 9) * 250);
        energy += (watts * 5) / 60;
        await cp.call('MeterValues', {
          connectorId,
          transactionId,
          meterValue: [{
            timestamp: new Date(started + minute * 60_000).toISOString(),
            sampledValue: [
              { value: String(watts), measurand: 'Power.Active.Import', unit: 'W' },
              { value: String(Math.round(energy)), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            ],
          }],
        });
      }
      sessions.push({ cp, stationId: demo.id, connectorId, transactionId, energy, phases: evse.rotation.length, suspended });
    }
  }
  const finished = stations[2];
  if (finished) {
    for (const [hoursAgo, idTag] of [[20, 'VAN-14'], [14, 'CARD-0001'], [9, 'POOL-2']] as const) {
      const start: any = await finished.call('StartTransaction', { connectorId: 1, idTag, meterStart: 5_000, timestamp: new Date(now - hoursAgo * 3_600_000).toISOString() });
      await finished.call('StopTransaction', { transactionId: start.transactionId, meterStop: 5_000 + hoursAgo * 1_700, timestamp: new Date(now - (hoursAgo - 3) * 3_600_000).toISOString(), reason: 'EVDisconnected' });
    }
  }

  // Let the balancer allocate, then have each car draw about what it was given (the per-phase load bars).
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const allocations = await send(server, 'GET', '/site/allocations');
  for (const s of sessions) {
    const given = (allocations.evses as any[]).find((e) => e.stationId === s.stationId && e.evseId === s.connectorId);
    const amps = s.suspended ? 0 : Math.max(0, (given?.allocation?.currentA ?? 10) * 0.93);
    const sampledValue: Record<string, string>[] = [];
    for (let p = 0; p < s.phases; p++) sampledValue.push({ value: (amps * (1 - p * 0.02)).toFixed(1), measurand: 'Current.Import', phase: `L${p + 1}`, unit: 'A' });
    const watts = Math.round(amps * s.phases * VOLTAGE_V);
    sampledValue.push({ value: String(watts), measurand: 'Power.Active.Import', unit: 'W' });
    sampledValue.push({ value: String(Math.round(s.energy + (watts * 4) / 60)), measurand: 'Energy.Active.Import.Register', unit: 'Wh' });
    await s.cp.call('MeterValues', { connectorId: s.connectorId, transactionId: s.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue }] });
  }

  // A firmware roll-out under way: the image in the library, one charger installed, one downloading.
  const image = await server.api('/firmware?name=voltline-3.5.0.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(1_840_000, 7) });
  const firmwareId = ((await image.json()) as { id: number }).id;
  for (const [index, statuses] of [[0, ['Downloading', 'Downloaded', 'Installing', 'Installed']], [1, ['Downloading']]] as const) {
    const cp = stations[index];
    if (!cp) continue;
    await send(server, 'POST', `/stations/${STATIONS[index]!.id}/commands/updateFirmware`, { firmwareId, rebootAfterInstall: false });
    for (const status of statuses) await cp.call('FirmwareStatusNotification', { status });
  }

  // A day of site power for the dashboard's chart.
  const { db, writes } = server.appliance.services;
  await writes.run(() => new SitePowerRepo(db).put(depotDay(Date.now() - 60_000)));
  server.appliance.services.sitePower.sample();

  // One new charger waiting for approval.
  await send(server, 'PATCH', '/settings', { acceptUnknownStations: false });
  const newcomer = await Ocpp16TestStation.connect(server.wsUrl('DEPOT-C-01'), 'DEPOT-C-01');
  await newcomer.bootNotification({ vendor: 'Ampero', model: 'AX 50 DC', firmwareVersion: '0.9.2', serialNumber: 'AX-50-0001' });

  return {
    stations,
    newcomer,
    sessionId,
    async close() {
      for (const cp of stations) await cp.close({ code: 1000, force: true }).catch(() => {});
      await newcomer.close().catch(() => {});
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}
