// Browser test of the dashboard: the uPlot site power chart is drawn from the history, and when a simulated
// station starts charging a live point is appended and the per-phase bars move, without reloading the page.
// Needs Debian's chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { SimStation } from '../scripts/sim/station.ts';
import { startMeteredSession } from '../scripts/sim/metered-session.ts';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const TIMEOUT_MS = 15_000;

describe('dashboard in a browser', { skip: existsSync(CHROMIUM_PATH) ? false : `needs Chromium at ${CHROMIUM_PATH}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let station: SimStation;

  before(async () => {
    server = await startTestServer({ acceptUnknownStations: true });
    const res = await server.api('/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gridLimitA: 32 }) });
    assert.equal(res.status, 200);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    station = new SimStation({ url: `ws://127.0.0.1:${server.port}/ocpp`, id: 'DASH-01', version: '1.6', connectors: 1 });
    await station.connect();
    await station.runBootSequence({ heartbeatIntervalSec: 300 });
  });

  after(async () => {
    await station?.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  test('draws the 24 h chart with uPlot and follows a station that starts charging', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await openSignedIn(page, server.baseUrl, server.admin);
    await page.goto(`${server.baseUrl}/#/dashboard`);
    const dashboard = page.locator('[data-testid="dashboard"][data-ready="true"]');
    await dashboard.waitFor({ timeout: TIMEOUT_MS });

    const chart = page.getByTestId('site-power-chart');
    assert.equal(await chart.locator('.uplot canvas').count(), 1, 'uPlot drew its canvas');
    assert.match(await chart.locator('.u-legend').innerText(), /Power[\s\S]*Grid limit[\s\S]*Building load/);
    const L1 = page.getByTestId('phase-L1');
    const L1Text = (pattern: RegExp) => page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid="phase-L1"]')?.textContent ?? ''), pattern.source, { timeout: TIMEOUT_MS });
    await L1Text(/^L10 A \/ 32 A$/);
    const pointsBefore = Number(await chart.getAttribute('data-points'));

    await startMeteredSession(station, 1, 16);
    await L1Text(/^L116 A \/ 32 A$/);
    assert.equal(await L1.getAttribute('data-amps'), '16.0');
    assert.equal(await page.getByTestId('site-power').innerText(), '11.0 kW');
    assert.ok(Number(await chart.getAttribute('data-points')) > pointsBefore, 'a live point was appended');
    const fill = await L1.locator('.phase-bar__fill').evaluate((el) => (el as HTMLElement).style.width);
    assert.equal(fill, '50%');
    // The station count comes from the station list, not the power sample: wait for it.
    await page.getByTestId('summary-charging').filter({ hasText: /^1$/ }).waitFor({ timeout: TIMEOUT_MS });
    assert.deepEqual(pageErrors, []);
  });
});
