// Browser test of the admin UI's pages against the real server and a strict OCPP 1.6 station (ocpp-rpc):
// navigation, approval, station search, ID token create/duplicate/block, remote start, a session shown live with its power,
// remote stop, a rejected trigger, configuration read/change/field error, the sessions list and filter, chart, CSV export, dashboard.
// Needs Debian's chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUserWithToken } from '../src/testing/auth.ts';
import { startTestServer } from '../src/testing/server.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const TIMEOUT_MS = 10_000;
const STATION = 'PAGES-16-01';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

describe('admin UI pages in a browser', { skip: existsSync(CHROMIUM_PATH) ? false : `needs Chromium at ${CHROMIUM_PATH}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let station: RPCClient;
  const received: Record<string, unknown[]> = {};
  const record = (action: string, params: unknown) => (received[action] ??= []).push(params);
  const config = new Map([
    ['HeartbeatInterval', '300'],
    ['MeterValueSampleInterval', '60'],
  ]);

  before(async () => {
    server = await startTestServer({ acceptUnknownStations: false });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    station = new RPCClient({
      endpoint: `ws://127.0.0.1:${server.port}/ocpp`,
      identity: STATION,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as ConstructorParameters<typeof RPCClient>[0]);
    station.handle('GetConfiguration', async ({ params }) => {
      record('GetConfiguration', params);
      return { configurationKey: [...config].map(([key, value]) => ({ key, value, readonly: false })) };
    });
    station.handle('ChangeConfiguration', async ({ params }) => {
      record('ChangeConfiguration', params);
      const { key, value } = params as { key: string; value: string };
      config.set(key, value);
      return { status: 'Accepted' };
    });
    station.handle('TriggerMessage', async ({ params }) => {
      record('TriggerMessage', params);
      return { status: 'Rejected' };
    });
    await station.connect();
  });

  after(async () => {
    await station?.close({ force: true }).catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  const boot = () => station.call('BootNotification', { chargePointVendor: 'Voltline', chargePointModel: 'VL-22', firmwareVersion: '3.4.1' }) as Promise<{ status: string }>;

  test('approve, ID token, live session power, remote stop, configuration, sessions and export', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Asia/Kolkata' });
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await openSignedIn(page, server.baseUrl, server.admin);

    // A new station waits for approval; approving it in the UI lets its next boot in.
    assert.equal((await boot()).status, 'Pending');
    const pending = page.locator(`[data-testid="pending-station"][data-station-id="${STATION}"]`);
    await pending.waitFor({ timeout: TIMEOUT_MS });
    await pending.getByTestId('approve-button').click();
    await pending.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    assert.equal((await boot()).status, 'Accepted');
    await station.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });

    // Create the driver's card on the ID tokens page; a duplicate gets a field-level error.
    await page.getByTestId('nav-id-tokens').click();
    const form = page.getByTestId('id-token-form');
    await form.getByLabel('Token').fill('CARD-0042');
    await form.getByLabel('Label').fill('Van 12');
    await page.getByTestId('id-token-create').click();
    await page.locator('[data-testid="id-token-row"][data-token="CARD-0042"]').waitFor({ timeout: TIMEOUT_MS });
    await form.getByLabel('Token').fill('CARD-0042');
    await page.getByTestId('id-token-create').click();
    await page.getByTestId('token-value-error').waitFor({ timeout: TIMEOUT_MS });
    assert.match(await page.getByTestId('token-value-error').innerText(), /already exists/);
    assert.equal((await server.api('/id-tokens/CARD-0042').then((r) => r.json())).label, 'Van 12');

    // Block and unblock it.
    const tokenRow = page.locator('[data-testid="id-token-row"][data-token="CARD-0042"]');
    await tokenRow.getByTestId('id-token-block').click();
    await waitForText(tokenRow.getByTestId('id-token-status'), 'blocked');
    assert.equal((await server.api('/id-tokens/CARD-0042').then((r) => r.json())).status, 'blocked');
    await tokenRow.getByRole('button', { name: 'Unblock' }).click();
    await waitForText(tokenRow.getByTestId('id-token-status'), 'accepted');

    // Search the stations list, then open the station from it.
    await page.getByTestId('nav-stations').click();
    await page.getByTestId('station-search').fill('no-such-station');
    await page.getByText('No station matches the search.').waitFor({ timeout: TIMEOUT_MS });
    await page.getByTestId('station-search').fill('voltline');
    await page.locator(`[data-station-id="${STATION}"] [data-testid="station-link"]`).click();
    await page.getByTestId('station-detail').waitFor({ timeout: TIMEOUT_MS });
    // An admin sees the station's certificate inventory (nothing reported yet).
    await page.getByText('None reported yet').waitFor({ timeout: TIMEOUT_MS });

    // Quirks: one Ampyard found (kWh registers) is shown and can be undone; one the form does not know is kept.
    const quirked = await server.api(`/stations/${STATION}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks: { energyRegisterUnit: 'kWh', vendorNote: 'kept' } }) });
    assert.equal(quirked.status, 200);
    await page.reload();
    const quirks = page.getByTestId('station-quirks');
    const kwh = quirks.getByLabel('Energy registers are kWh though labelled Wh');
    await kwh.waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await kwh.isChecked(), true);
    await kwh.uncheck();
    await quirks.getByLabel('Id-tag suffix separator').fill('_');
    await quirks.getByLabel('Start on plug-in with id tag').fill('x'.repeat(21));
    await page.getByTestId('station-quirks-save').click();
    await page.locator('#quirk-auto-start-error').waitFor({ timeout: TIMEOUT_MS });
    await quirks.getByLabel('Start on plug-in with id tag').fill('');
    await page.getByTestId('station-quirks-save').click();
    await quirks.getByText('Saved.').waitFor({ timeout: TIMEOUT_MS });
    assert.deepEqual((await server.api(`/stations/${STATION}`).then((r) => r.json())).quirks, { vendorNote: 'kept', idTagSuffixSeparator: '_' });

    // Remote start for the card: the station is asked and its answer is shown.
    station.handle('RemoteStartTransaction', async ({ params }) => {
      record('RemoteStartTransaction', params);
      return { status: 'Accepted' };
    });
    await page.getByTestId('start-id-token').fill('CARD-0042');
    await page.getByTestId('action-start').click();
    await waitForText(page.getByTestId('command-result'), 'accepted');
    assert.equal((received['RemoteStartTransaction']?.[0] as { idTag?: string } | undefined)?.idTag, 'CARD-0042');

    // The vehicle starts charging: the session and its power show up without a reload.
    const start = (await station.call('StartTransaction', { connectorId: 1, idTag: 'CARD-0042', meterStart: 10_000, timestamp: new Date().toISOString() })) as {
      transactionId: number;
      idTagInfo: { status: string };
    };
    assert.equal(start.idTagInfo.status, 'Accepted');
    const txId = start.transactionId;
    await station.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' });
    const sendPower = (watts: number, wh: number, secondsAgo: number) =>
      station.call('MeterValues', {
        connectorId: 1,
        transactionId: txId,
        meterValue: [
          {
            timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
            sampledValue: [
              { value: String(watts), measurand: 'Power.Active.Import', unit: 'W' },
              { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            ],
          },
        ],
      });
    await sendPower(7000, 10_500, 60);
    await sendPower(11_000, 10_800, 0);
    const row = page.locator(`[data-testid="station-sessions"] [data-testid="session-row"][data-session-id="${txId}"]`);
    await row.waitFor({ timeout: TIMEOUT_MS });
    await waitForText(row.getByTestId('session-power'), '11.0 kW');
    await waitForText(row.getByTestId('session-energy'), '800 Wh');
    await page.locator('[data-testid="connector-chip"][data-status="charging"]').waitFor({ timeout: TIMEOUT_MS });

    // Remote stop from the UI: the station gets RemoteStopTransaction, accepts and stops.
    station.handle('RemoteStopTransaction', async ({ params }) => {
      record('RemoteStopTransaction', params);
      setTimeout(() => {
        void station.call('StopTransaction', { transactionId: txId, meterStop: 10_900, timestamp: new Date().toISOString(), reason: 'Remote' });
      }, 50);
      return { status: 'Accepted' };
    });
    await page.getByTestId('action-stop').click();
    await waitForText(page.getByTestId('command-result'), 'accepted');
    assert.deepEqual(received['RemoteStopTransaction'], [{ transactionId: txId }]);
    await row.waitFor({ state: 'detached', timeout: TIMEOUT_MS });

    // A command the station rejects is shown as its answer.
    await page.getByRole('button', { name: 'Trigger', exact: true }).click();
    await waitForText(page.getByTestId('command-result'), 'rejected');

    // Configuration: read it from the station, then change a value.
    await page.getByTestId('config-read').click();
    const heartbeat = page.locator('[data-testid="config-row"][data-key="HeartbeatInterval"]');
    await heartbeat.waitFor({ timeout: TIMEOUT_MS });
    await waitForText(heartbeat.getByTestId('config-value'), '300');
    await heartbeat.getByTestId('config-edit').click();
    await heartbeat.getByTestId('config-input').fill('600');
    await heartbeat.getByTestId('config-save').click();
    await waitForText(heartbeat.getByTestId('config-value'), '600');
    await waitForText(page.getByTestId('station-config').getByTestId('command-result'), 'accepted');
    assert.deepEqual(received['ChangeConfiguration'], [{ key: 'HeartbeatInterval', value: '600' }]);
    // A value the API refuses gets its field-level error beside the input; nothing is sent.
    await heartbeat.getByTestId('config-edit').click();
    await heartbeat.getByTestId('config-input').fill('9'.repeat(1001));
    await heartbeat.getByTestId('config-save').click();
    await waitForText(heartbeat.getByTestId('config-error'), 'value');
    await heartbeat.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(received['ChangeConfiguration']?.length, 1);
    await page.getByTestId('message-action').filter({ hasText: 'ChangeConfiguration' }).first().waitFor({ timeout: TIMEOUT_MS });

    // A viewer reads the same configuration but is offered no way to change it or to ask the station.
    const viewer = await createUserWithToken(server, 'config-viewer', 'viewer');
    // Its own browser context: a second sign-in must not replace the admin's session cookie.
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewerPage = await viewerContext.newPage();
    await openSignedIn(viewerPage, server.baseUrl, { username: 'config-viewer', password: viewer.password });
    await viewerPage.goto(page.url());
    const viewerRow = viewerPage.locator('[data-testid="config-row"][data-key="HeartbeatInterval"]');
    await waitForText(viewerRow.getByTestId('config-value'), '600');
    assert.equal(await viewerPage.getByTestId('config-edit').count(), 0);
    assert.equal(await viewerPage.getByTestId('config-read').count(), 0);
    await viewerContext.close();

    // The sessions page lists the ended session; its detail has the power chart.
    await page.getByTestId('nav-sessions').click();
    const listed = page.locator(`[data-testid="sessions-page"] [data-testid="session-row"][data-session-id="${txId}"]`);
    await listed.waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await listed.getAttribute('data-status'), 'ended');
    await page.getByTestId('filter-status').selectOption('active');
    await listed.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    await page.getByTestId('filter-status').selectOption('ended');
    await listed.waitFor({ timeout: TIMEOUT_MS });

    // Export CSV with the session cookie, as the link does.
    const exportHref = await page.getByTestId('export-csv').getAttribute('href');
    assert.ok(exportHref);
    const csv = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    }, exportHref);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.type ?? '', /text\/csv/);
    assert.ok(csv.text.includes(STATION) && csv.text.includes('CARD-0042'), csv.text);
    // The other exports of the same filter: CSV for Excel (byte order mark), JSON, and the meter values.
    const fetched = (testId: string) =>
      page.getByTestId(testId).getAttribute('href').then((href) =>
        page.evaluate(async (url) => {
          const response = await fetch(url!);
          return { status: response.status, bytes: [...new Uint8Array(await response.clone().arrayBuffer()).slice(0, 3)], text: await response.text() };
        }, href),
      );
    const excel = await fetched('export-excel');
    assert.deepEqual([excel.status, excel.bytes], [200, [0xef, 0xbb, 0xbf]]);
    const json = await fetched('export-json');
    assert.deepEqual((JSON.parse(json.text) as { idToken: string }[]).map((t) => t.idToken), ['CARD-0042']);
    const meterValues = await fetched('export-meter-values');
    assert.equal(meterValues.status, 200, meterValues.text);
    assert.ok(meterValues.text.split('\n').some((line) => line.includes(STATION) && line.includes('Power.Active.Import')), meterValues.text.slice(0, 500));

    await listed.locator('a').first().click();
    await page.getByTestId('session-detail').waitFor({ timeout: TIMEOUT_MS });
    await page.getByTestId('power-chart').waitFor({ timeout: TIMEOUT_MS });
    const sessionCsv = await fetched('session-meter-values-csv');
    assert.equal(sessionCsv.status, 200, sessionCsv.text);
    assert.match(sessionCsv.text, /Power\.Active\.Import/);

    // Settings: the site CA that chargers on TLS profiles must trust can be downloaded from the UI.
    await page.getByTestId('nav-settings').click();
    const caHref = await page.getByTestId('ca-download').getAttribute('href');
    const ca = await page.evaluate(async (href) => (await fetch(href!)).text(), caHref);
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);

    // The dashboard answers plainly about load management.
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard').waitFor({ timeout: TIMEOUT_MS });
    await waitForText(page.getByTestId('site-power'), '0 W');
    // The note appears when the circuits request answers, which may be after the power figure.
    await waitForText(page.getByTestId('dashboard'), 'Load management: not configured yet');

    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});

async function waitForText(locator: ReturnType<Page['locator']>, expected: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = await locator.innerText().catch(() => '');
    if (last.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected "${expected}" in "${last}"`);
}
