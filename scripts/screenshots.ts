// Screenshots of the admin UI's main pages for the README: starts the real server with demo data
// (simulated OCPP 1.6 stations charging), signs in through the UI and saves PNGs to build/screenshots/.
//
//   npm run screenshots        (needs Debian's chromium at /usr/bin/chromium)

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startTestServer } from '../src/testing/server.ts';
import { SitePowerRepo } from '../src/storage/site-power-repo.ts';
import { depotDay } from '../src/testing/site-power-history.ts';
import { Ocpp16TestStation } from '../web/test-support/ocpp16-test-station.ts';
import { openSignedIn } from '../web/test-support/sign-in.ts';

const OUT_DIR = fileURLToPath(new URL('../build/screenshots/', import.meta.url));
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const DEMO_STATIONS = [
  { id: 'DEPOT-A-01', vendor: 'Voltline', model: 'VL-22 Duo', connectors: ['Charging', 'Charging'] },
  { id: 'DEPOT-A-02', vendor: 'Voltline', model: 'VL-22 Duo', connectors: ['Charging', 'Available'] },
  { id: 'DEPOT-A-03', vendor: 'Voltline', model: 'VL-22 Duo', connectors: ['Available', 'Faulted'] },
  { id: 'DEPOT-B-01', vendor: 'Gridwise', model: 'GW Pro 11', connectors: ['Preparing'] },
  { id: 'DEPOT-B-02', vendor: 'Gridwise', model: 'GW Pro 11', connectors: ['SuspendedEV'] },
];

async function seed(server: Awaited<ReturnType<typeof startTestServer>>): Promise<Ocpp16TestStation[]> {
  const stations: Ocpp16TestStation[] = [];
  for (const token of ['CARD-0001', 'CARD-0002', 'CARD-0003', 'VAN-12', 'VAN-14']) {
    await server.api('/id-tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, label: `Fleet card ${token}` }) });
  }
  let n = 0;
  for (const demo of DEMO_STATIONS) {
    const station = await Ocpp16TestStation.connect(server.wsUrl(demo.id), demo.id);
    stations.push(station);
    await station.bootNotification({ vendor: demo.vendor, model: demo.model, firmwareVersion: '3.4.1', serialNumber: `${demo.id}-SN` });
    for (const [index, status] of demo.connectors.entries()) {
      const connectorId = index + 1;
      await station.statusNotification(connectorId, status, status === 'Faulted' ? 'GroundFailure' : 'NoError');
      if (status !== 'Charging' && status !== 'SuspendedEV') continue;
      n += 1;
      const meterStart = 100_000 * n;
      const started = Date.now() - (40 + n * 17) * 60_000;
      const start = await station.call('StartTransaction', { connectorId, idTag: `CARD-000${(n % 3) + 1}`, meterStart, timestamp: new Date(started).toISOString() });
      const transactionId = start['transactionId'] as number;
      let energy = meterStart;
      for (let minute = 0; minute * 60_000 < Date.now() - started; minute += 5) {
        const watts = status === 'SuspendedEV' ? 0 : Math.round(11_000 - minute * 20 + Math.sin(minute / 7) * 600);
        energy += (watts * 5) / 60;
        await station.call('MeterValues', {
          connectorId,
          transactionId,
          meterValue: [
            {
              timestamp: new Date(started + minute * 60_000).toISOString(),
              sampledValue: [
                { value: String(watts), measurand: 'Power.Active.Import', unit: 'W' },
                { value: String(Math.round(energy)), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
              ],
            },
          ],
        });
      }
    }
  }
  // Two finished sessions for the sessions list.
  const first = stations[2];
  if (first) {
    for (const hoursAgo of [20, 9]) {
      const start = await first.call('StartTransaction', { connectorId: 1, idTag: 'VAN-12', meterStart: 5_000, timestamp: new Date(Date.now() - hoursAgo * 3_600_000).toISOString() });
      await first.call('StopTransaction', { transactionId: start['transactionId'], meterStop: 5_000 + hoursAgo * 1_700, timestamp: new Date(Date.now() - (hoursAgo - 3) * 3_600_000).toISOString(), reason: 'EVDisconnected' });
    }
  }
  // One new charger waiting for approval.
  await server.api('/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ acceptUnknownStations: false, siteName: 'North depot', gridLimitA: 250 }) });
  // A day of site power for the dashboard's chart.
  const { db, writes } = server.appliance.services;
  await writes.run(() => new SitePowerRepo(db).put(depotDay(Date.now() - 60_000, 250)));
  server.appliance.services.sitePower.sample();
  const newcomer = await Ocpp16TestStation.connect(server.wsUrl('DEPOT-C-01'), 'DEPOT-C-01');
  stations.push(newcomer);
  await newcomer.bootNotification({ vendor: 'Ampero', model: 'AX 50 DC', firmwareVersion: '0.9.2', serialNumber: 'AX-50-0001' });
  return stations;
}

async function shoot(page: Page, name: string, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.getByTestId(ready).first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: `${OUT_DIR}${name}.png`, fullPage: true });
  console.log(`screenshots: ${name}.png`);
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await startTestServer({ acceptUnknownStations: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  let stations: Ocpp16TestStation[] = [];
  try {
    stations = await seed(server);
    const sessions = (await (await server.api('/transactions?status=active&limit=1')).json()) as { items: { id: number }[] };
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
    const page = await context.newPage();
    await openSignedIn(page, server.baseUrl, server.admin);
    await shoot(page, 'dashboard', '#/dashboard', 'site-power-chart');
    await shoot(page, 'stations-list', '#/stations', 'stations-table');
    await shoot(page, 'station-detail', '#/stations/DEPOT-A-01', 'station-sessions');
    await shoot(page, 'sessions', '#/sessions', 'session-row');
    const sessionId = sessions.items[0]?.id;
    if (sessionId) await shoot(page, 'session-detail', `#/sessions/${sessionId}`, 'power-chart');
    await shoot(page, 'id-tokens', '#/id-tokens', 'id-token-row');
    await shoot(page, 'settings', '#/settings', 'settings-page');
    await page.setViewportSize({ width: 768, height: 1024 });
    await shoot(page, 'station-detail-tablet', '#/stations/DEPOT-A-01', 'station-sessions');
    await shoot(page, 'dashboard-tablet', '#/dashboard', 'site-power-chart');
  } finally {
    for (const station of stations) await station.close().catch(() => {});
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
