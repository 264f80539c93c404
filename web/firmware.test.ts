// Browser test of firmware and logs: an operator uploads an image to the library, updates a connected 1.6 station
// with it, and follows the station's status notifications live on the Firmware page and the station's page; asks
// the station for its diagnostics and downloads what it uploaded; a viewer sees the same lists without any
// control. Needs Debian's chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createUserWithToken } from '../src/testing/auth.ts';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { Ocpp16TestStation } from './test-support/ocpp16-test-station.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const TIMEOUT_MS = 15_000;
const IMAGE = Buffer.from('VOLTLINE FIRMWARE 2.4.1 '.repeat(100));

describe('firmware in a browser', { skip: existsSync(CHROMIUM_PATH) ? false : `needs Chromium at ${CHROMIUM_PATH}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let station: Ocpp16TestStation;
  let offline: Ocpp16TestStation;

  before(async () => {
    server = await startTestServer({ acceptUnknownStations: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    station = await Ocpp16TestStation.connect(`ws://127.0.0.1:${server.port}/ocpp/FW-01`, 'FW-01');
    await station.bootNotification({ vendor: 'Voltline', model: 'VL-22', firmwareVersion: '2.3.0', serialNumber: 'S-1' });
    offline = await Ocpp16TestStation.connect(`ws://127.0.0.1:${server.port}/ocpp/FW-02`, 'FW-02');
    await offline.bootNotification({ vendor: 'Voltline', model: 'VL-22', firmwareVersion: '2.3.0', serialNumber: 'S-2' });
    await offline.close();
  });

  after(async () => {
    await station?.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  test('an operator uploads an image, updates a station and follows it live, and fetches its diagnostics; a viewer only looks', async () => {
    const operator = await createUserWithToken(server, 'fw-operator', 'operator');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await openSignedIn(page, server.baseUrl, { username: 'fw-operator', password: operator.password });
    await page.getByTestId('nav-firmware').click();
    await page.getByTestId('firmware-page').waitFor({ timeout: TIMEOUT_MS });
    await page.getByText('No firmware files yet').waitFor({ timeout: TIMEOUT_MS });

    // Upload: the file goes to the library with its size and hash.
    await page.getByTestId('firmware-file').setInputFiles({ name: 'voltline-2.4.1.bin', mimeType: 'application/octet-stream', buffer: IMAGE });
    await page.getByTestId('firmware-upload').click();
    const row = page.locator('[data-testid="firmware-row"]', { hasText: 'voltline-2.4.1.bin' });
    await row.waitFor({ timeout: TIMEOUT_MS });
    assert.match(await row.innerText(), /2\.3 KiB/);
    const stored = (await (await server.api('/firmware')).json()) as { items: { id: number; size: number; name: string }[] };
    assert.deepEqual(stored.items.map((f) => [f.name, f.size]), [['voltline-2.4.1.bin', IMAGE.length]]);

    // The offline station cannot be chosen; "Select connected" takes the connected one only.
    const fw01 = page.locator('[data-testid="rollout-station"][data-station-id="FW-01"]');
    const fw02 = page.locator('[data-testid="rollout-station"][data-station-id="FW-02"]');
    await fw01.waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await fw01.getByTestId('rollout-version').innerText(), '2.3.0');
    assert.equal(await fw02.getByRole('checkbox').isDisabled(), true);
    await page.getByTestId('rollout-select-connected').click();
    assert.equal(await page.getByTestId('rollout-start').innerText(), 'Update 1 station');
    await page.getByTestId('rollout-start').click();
    await fw01.getByTestId('rollout-outcome').filter({ hasText: 'voltline-2.4.1.bin: accepted' }).waitFor({ timeout: TIMEOUT_MS });
    assert.ok(station.receivedCalls.includes('UpdateFirmware'));

    // The station reports its progress: the page follows without a reload.
    await station.call('FirmwareStatusNotification', { status: 'Downloading' });
    await fw01.getByTestId('rollout-status').filter({ hasText: 'downloading' }).waitFor({ timeout: TIMEOUT_MS });
    await station.call('FirmwareStatusNotification', { status: 'Installed' });
    await fw01.getByTestId('rollout-status').filter({ hasText: 'installed' }).waitFor({ timeout: TIMEOUT_MS });

    // The station's page shows the job with each status the station reported.
    await fw01.getByRole('link', { name: 'FW-01' }).click();
    const panel = page.getByTestId('station-firmware');
    await panel.getByTestId('firmware-job').waitFor({ timeout: TIMEOUT_MS });
    assert.match(await panel.getByTestId('station-firmware-current').innerText(), /Version 2\.3\.0 · last update status: installed/);
    assert.match(await panel.getByTestId('firmware-job').innerText(), /downloading[\s\S]*installed/);

    // Logs: the operator asks for diagnostics; the station uploads them to Ampyard and they can be downloaded.
    const logs = page.getByTestId('station-logs');
    await logs.getByTestId('logs-diagnostics').click();
    await logs.getByTestId('command-result').filter({ hasText: 'accepted' }).waitFor({ timeout: TIMEOUT_MS });
    await logs.getByTestId('log-job').waitFor({ timeout: TIMEOUT_MS });
    const job = ((await (await server.api('/stations/FW-01/diagnostics-jobs')).json()) as { items: { location: string }[] }).items[0]!;
    const upload = await fetch(`${job.location}/diagnostics.zip`, { method: 'PUT', body: 'DIAGNOSTICS OF FW-01' });
    assert.equal(upload.status, 200, await upload.text());
    await station.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    await logs.locator('[data-testid="log-job"][data-state="succeeded"]').waitFor({ timeout: TIMEOUT_MS });
    const link = logs.getByTestId('log-file');
    assert.equal(await link.innerText(), 'diagnostics.zip');
    const downloaded = await page.evaluate(async (url) => (await fetch(url!)).text(), await link.getAttribute('href'));
    assert.equal(downloaded, 'DIAGNOSTICS OF FW-01');
    assert.deepEqual(pageErrors, []);

    // A viewer sees the library and the statuses, but no upload, delete or update control.
    const viewer = await createUserWithToken(server, 'fw-viewer', 'viewer');
    const viewerPage = await context.browser()!.newPage({ viewport: { width: 1280, height: 900 } });
    await openSignedIn(viewerPage, server.baseUrl, { username: 'fw-viewer', password: viewer.password });
    await viewerPage.getByTestId('nav-firmware').click();
    await viewerPage.locator('[data-testid="firmware-row"]', { hasText: 'voltline-2.4.1.bin' }).waitFor({ timeout: TIMEOUT_MS });
    await viewerPage.locator('[data-testid="rollout-station"][data-station-id="FW-01"]').getByTestId('rollout-status').filter({ hasText: 'installed' }).waitFor({ timeout: TIMEOUT_MS });
    for (const id of ['firmware-file', 'firmware-upload', 'firmware-delete', 'rollout-start']) assert.equal(await viewerPage.getByTestId(id).count(), 0, id);
    await viewerPage.goto(`${server.baseUrl}/#/stations/FW-01`);
    await viewerPage.getByTestId('log-file').waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await viewerPage.getByTestId('logs-diagnostics').count(), 0);
    await viewerPage.close();

    // Deleting the file (the update is finished, so nothing uses it) empties the library.
    await page.getByTestId('nav-firmware').click();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('firmware-delete').click();
    await page.getByText('No firmware files yet').waitFor({ timeout: TIMEOUT_MS });
    await context.close();
  });
});
