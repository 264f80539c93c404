// Browser test of the admin UI against the real server: live updates over server-sent events,
// approve/reject of unknown stations, connector status, disconnects, errors and reconnection.
// Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page, type Route } from 'playwright-core';
import { startTestServer } from '../src/testing/server.ts';
import { Ocpp16TestStation } from './test-support/ocpp16-test-station.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const UI_TIMEOUT_MS = 10_000;
const SCREENSHOT_DIR = fileURLToPath(new URL('../build/screenshots/', import.meta.url));
const BROWSER_LOCALE = 'en-GB';
const BROWSER_TIME_ZONE = 'Asia/Kolkata'; // +05:30, so a UTC time shown unconverted is noticed

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

if (!existsSync(CHROMIUM_PATH)) {
  const message = `admin UI browser test needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium)`;
  if (process.env.CI) {
    test('admin UI in a browser', () => {
      throw new Error(`${message}; it is required when CI is set.`);
    });
  } else {
    test('admin UI in a browser', { skip: `${message}; skipped outside CI.` }, () => {});
  }
} else {
  describe('admin UI in a browser', () => {
    let server: TestServer;
    let browser: Browser;

    before(async () => {
      server = await startTestServer({ acceptUnknownStations: false });
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    const openPage = async (): Promise<{ page: Page; pageErrors: Error[] }> => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: BROWSER_LOCALE,
        timezoneId: BROWSER_TIME_ZONE,
      });
      const page = await context.newPage();
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      return { page, pageErrors };
    };

    const api = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> => {
      const response = await fetch(server.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json();
      assert.ok(response.ok, `${method} ${path} -> HTTP ${response.status} ${JSON.stringify(json)}`);
      return json;
    };

    test('stations appear, get approved or rejected, and update live without a reload', async () => {
      const { page, pageErrors } = await openPage();
      await openSignedIn(page, server.baseUrl, server.admin);
      await waitForState(page.getByTestId('connection-indicator'), 'live');
      await page.getByTestId('stations-empty').waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await page.title(), 'Ampyard');
      assert.equal(await page.getByTestId('pending-section').count(), 0, 'no pending section while nothing waits');

      // An unknown station boots: the server answers Pending and the UI lists it for approval.
      const first = await Ocpp16TestStation.connect(server.wsUrl('DEPOT-A-01'), 'DEPOT-A-01');
      const boot = await first.bootNotification({ vendor: 'Voltline', model: 'VL-22 Duo', firmwareVersion: '3.4.1', serialNumber: 'VL22-0001' });
      assert.equal(boot.status, 'Pending', 'unknown station must be left pending when acceptUnknownStations is false');
      const firstPending = pendingItem(page, first.id);
      // The item may show before the boot's vendor and model reach the page: wait for them, not just for it.
      await firstPending.filter({ hasText: 'Voltline VL-22 Duo' }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await stationRow(page, first.id).count(), 0, 'a pending station is not in the stations table');

      // Approve: it leaves the pending list and shows up in the table as accepted.
      await firstPending.getByTestId('approve-button').click();
      await firstPending.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      const firstRow = stationRow(page, first.id);
      await firstRow.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await firstRow.getAttribute('data-registration'), 'accepted');
      assert.equal((await api('GET', `/api/v1/stations/${first.id}`)).registration, 'accepted');

      // The approved station boots again and reports its connectors.
      const reboot = await first.bootNotification({ vendor: 'Voltline', model: 'VL-22 Duo', firmwareVersion: '3.4.1', serialNumber: 'VL22-0001' });
      assert.equal(reboot.status, 'Accepted');
      await first.statusNotification(1, 'Charging');
      const charging = connectorChip(firstRow, 1, 1);
      await waitForAttribute(charging, 'data-status', 'charging');
      assert.match(await charging.innerText(), /Charging/);
      assert.equal(await charging.getByTestId('connector-error').count(), 0, 'NoError is not shown');
      await first.statusNotification(2, 'Faulted', 'GroundFailure');
      const faulted = connectorChip(firstRow, 2, 1);
      await waitForAttribute(faulted, 'data-status', 'faulted');
      assert.equal(await faulted.getByTestId('connector-error').innerText(), 'GroundFailure');

      await waitForAttribute(firstRow.getByTestId('connection-badge'), 'data-connected', 'true');
      assert.equal(await firstRow.getByTestId('ocpp-version').innerText(), '1.6');
      const rowText = await firstRow.innerText();
      for (const expected of ['Voltline', 'VL-22 Duo']) assert.ok(rowText.includes(expected), `row shows ${expected}`);
      assert.equal(await firstRow.getByTestId('firmware').innerText(), '3.4.1');
      await assertLastSeenInBrowserTimeZone(firstRow);
      assert.equal(await page.getByTestId('summary-charging').innerText(), '1');
      assert.equal(await page.getByTestId('summary-faulted').innerText(), '1');

      // A second unknown station waits for approval while the first one charges.
      const second = await Ocpp16TestStation.connect(server.wsUrl('DEPOT-B-07'), 'DEPOT-B-07');
      await second.bootNotification({ vendor: 'Gridwise', model: 'GW Pro 11', firmwareVersion: '1.0.9', serialNumber: 'GW-77' });
      const secondPending = pendingItem(page, second.id);
      await secondPending.waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(page, 'stations.png');
      await page.setViewportSize({ width: 768, height: 1024 });
      await screenshot(page, 'stations-tablet.png');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Reject: it moves to the table, marked rejected.
      await secondPending.getByTestId('reject-button').click();
      await secondPending.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      const secondRow = stationRow(page, second.id);
      await secondRow.getByTestId('rejected-badge').waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal((await api('GET', `/api/v1/stations/${second.id}`)).registration, 'rejected');

      // Closing the station's socket shows it disconnected, still without a reload.
      await first.close();
      await waitForAttribute(firstRow.getByTestId('connection-badge'), 'data-connected', 'false');
      assert.match(await firstRow.getByTestId('connection-badge').innerText(), /Disconnected/);
      await second.close();
      await waitForAttribute(secondRow.getByTestId('connection-badge'), 'data-connected', 'false');

      assert.equal(await page.getByTestId('load-error').count(), 0);
      assert.equal(await page.getByTestId('action-error').count(), 0);
      assert.equal(await page.getByTestId('connection-indicator').getAttribute('data-state'), 'live');
      assert.deepEqual(pageErrors.map(String), [], 'no uncaught errors in the page');
      await page.context().close();
    });

    test('API errors are shown, and the list is fetched again when the event stream reconnects', async () => {
      const { page, pageErrors } = await openPage();

      // The station list fails until `listFails` is cleared.
      let listFails = true;
      let listRequests = 0;
      await page.route(
        (url) => url.pathname === '/api/v1/stations',
        async (route: Route) => {
          listRequests += 1;
          if (!listFails) return route.continue();
          return route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'unavailable', message: 'Simulated storage failure' } }),
          });
        },
      );

      // First event stream: a stub that ends at once (the browser then reconnects). The second
      // attempt is held until released; from then on the real stream is used.
      let streamRequests = 0;
      let releaseHeldStream!: () => void;
      const heldStreamReleased = new Promise<void>((resolve) => (releaseHeldStream = resolve));
      await page.route(
        (url) => url.pathname === '/api/v1/events',
        async (route: Route) => {
          streamRequests += 1;
          if (streamRequests === 1) {
            return route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 200\nevent: hello\ndata: {}\n\n' });
          }
          if (streamRequests === 2) await heldStreamReleased;
          return route.continue();
        },
      );

      await openSignedIn(page, server.baseUrl, server.admin);
      const loadError = page.getByTestId('load-error');
      await loadError.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(await loadError.innerText(), /Simulated storage failure/);
      await waitForState(page.getByTestId('connection-indicator'), 'reconnecting');

      // The list loads on its own once the API works again.
      listFails = false;
      await loadError.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await page.getByTestId('stations-table').waitFor({ timeout: UI_TIMEOUT_MS });

      // A change made while the page has no event stream is missed at first ...
      const stationId = 'PREREGISTERED-9';
      await api('POST', '/api/v1/stations', { id: stationId });
      await page.waitForTimeout(500);
      assert.equal(await stationRow(page, stationId).count(), 0, 'the change is not visible before the stream reconnects');

      // ... and appears once the stream reconnects and the list is fetched again.
      const requestsBeforeReconnect = listRequests;
      releaseHeldStream();
      await waitForState(page.getByTestId('connection-indicator'), 'live');
      await stationRow(page, stationId).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.ok(listRequests > requestsBeforeReconnect, 'the list was fetched again after reconnecting');
      assert.deepEqual(pageErrors.map(String), [], 'no uncaught errors in the page');
      await page.context().close();
    });
  });
}

function pendingItem(page: Page, stationId: string): Locator {
  return page.locator(`[data-testid="pending-station"][data-station-id="${stationId}"]`);
}

function stationRow(page: Page, stationId: string): Locator {
  return page.locator(`[data-testid="station-row"][data-station-id="${stationId}"]`);
}

function connectorChip(row: Locator, evseId: number, connectorId: number): Locator {
  return row.locator(`[data-testid="connector-chip"][data-evse="${evseId}"][data-connector="${connectorId}"]`);
}

async function waitForState(indicator: Locator, state: string): Promise<void> {
  await waitForAttribute(indicator, 'data-state', state);
}

async function waitForAttribute(locator: Locator, name: string, value: string): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name, { timeout: UI_TIMEOUT_MS }).catch(() => null);
    if (last === value) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`expected ${name}="${value}" on ${String(locator)}, last seen ${JSON.stringify(last)}`);
}

/** "Last seen" must be the station's time, formatted in the browser's locale and time zone. */
async function assertLastSeenInBrowserTimeZone(row: Locator): Promise<void> {
  const time = row.getByTestId('last-seen').locator('time');
  const iso = await time.getAttribute('datetime');
  assert.ok(iso, 'last seen has a machine-readable time');
  const expected = new Intl.DateTimeFormat(BROWSER_LOCALE, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: BROWSER_TIME_ZONE,
  }).format(new Date(iso));
  const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
  assert.equal(normalise(await time.innerText()), normalise(expected));
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT_DIR + name, fullPage: true });
}
