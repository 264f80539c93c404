// Browser test of first-run setup, sign-in and sign-out in the admin UI, against the real server.
// Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { Ocpp16TestStation } from './test-support/ocpp16-test-station.ts';
import { fillSignIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = 10_000;
const SCREENSHOT_DIR = fileURLToPath(new URL('../build/screenshots/', import.meta.url));

if (!existsSync(CHROMIUM_PATH)) {
  const message = `sign-in browser test needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium)`;
  if (process.env.CI) {
    test('first-run setup and sign-in in a browser', () => {
      throw new Error(`${message}; it is required when CI is set.`);
    });
  } else {
    test('first-run setup and sign-in in a browser', { skip: `${message}; skipped outside CI.` }, () => {});
  }
} else {
  describe('first-run setup and sign-in in a browser', () => {
    let server: TestServer;
    let browser: Browser;

    before(async () => {
      server = await startTestServer({ acceptUnknownStations: false }, { firstRun: true });
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    const text = (page: Page, testId: string) => page.getByTestId(testId).innerText({ timeout: TIMEOUT_MS });

    test('setup with the console code, field errors from the API, sign-out, sign-in, and back to sign-in when the session ends', async () => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })).newPage();
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      await page.goto(server.baseUrl + '/');
      await page.getByTestId('setup-form').waitFor({ timeout: TIMEOUT_MS });
      await screenshot(page, 'setup.png');

      // A wrong code: the API's error is shown next to the code field, and nothing else is marked.
      await page.getByLabel('Setup code').fill('AAAA-BBBB-CCCC');
      await page.getByLabel('Username').fill('depot-admin');
      await page.getByLabel('Password', { exact: true }).fill('depot-admin-pw');
      await page.getByLabel('Repeat password').fill('depot-admin-pw');
      await page.getByLabel('Site name').fill('Harbour depot');
      await page.getByLabel('Grid connection limit (A per phase)').fill('400');
      await page.getByTestId('setup-submit').click();
      assert.equal(await text(page, 'setup-code-error'), 'is not right');
      assert.equal(await page.getByTestId('setup-password-error').count(), 0);

      // The right code, typed carelessly, but a password the API refuses: shown next to the password.
      const code = server.appliance.services.auth.setup.currentCode()!;
      await page.getByLabel('Setup code').fill(code.toLowerCase());
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByLabel('Repeat password').fill('short');
      await page.getByTestId('setup-submit').click();
      assert.equal(await text(page, 'setup-password-error'), 'must be at least 8 characters');
      assert.equal(await page.getByTestId('setup-code-error').count(), 0);

      // The two passwords differ: caught before sending.
      await page.getByLabel('Password', { exact: true }).fill('depot-admin-pw');
      await page.getByLabel('Repeat password').fill('depot-admin-px');
      await page.getByTestId('setup-submit').click();
      assert.equal(await text(page, 'setup-password-repeat-error'), 'does not match the password');

      await page.getByLabel('Repeat password').fill('depot-admin-pw');
      await page.getByTestId('setup-submit').click();
      await page.getByTestId('signed-in-as').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await text(page, 'signed-in-as'), 'depot-admin');
      assert.equal(await text(page, 'signed-in-role'), 'Admin');
      await page.getByTestId('stations-empty').waitFor({ timeout: TIMEOUT_MS });
      const settings = server.appliance.services.siteSettings.get();
      assert.deepEqual([settings.siteName, settings.gridLimitA, settings.acceptUnknownStations], ['Harbour depot', 400, false]);

      // Sign out, fail once, sign in.
      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-form').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await text(page, 'login-notice'), 'You have signed out.');
      await screenshot(page, 'sign-in.png');
      await fillSignIn(page, { username: 'depot-admin', password: 'not-the-password' });
      assert.equal(await text(page, 'login-error'), 'wrong username or password');
      await fillSignIn(page, { username: 'depot-admin', password: 'depot-admin-pw' });
      await page.getByTestId('signed-in-as').waitFor({ timeout: TIMEOUT_MS });

      // A reload keeps the session (the cookie); setup is not offered again.
      await page.reload();
      await page.getByTestId('signed-in-as').waitFor({ timeout: TIMEOUT_MS });

      // The session ends on the server; the next action lands on the sign-in page with a notice.
      const station = await Ocpp16TestStation.connect(server.wsUrl('GATE-1'), 'GATE-1');
      await station.bootNotification({ vendor: 'Gate', model: 'G1', firmwareVersion: '1', serialNumber: 'G-1' });
      const pending = page.locator('[data-testid="pending-station"][data-station-id="GATE-1"]');
      await pending.waitFor({ timeout: TIMEOUT_MS });
      server.appliance.services.db.prepare('DELETE FROM user_sessions').run();
      await pending.getByTestId('approve-button').click();
      await page.getByTestId('login-form').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await text(page, 'login-notice'), 'Your session has ended. Please sign in again.');
      assert.equal(server.appliance.services.stations.get('GATE-1')?.registration, 'pending', 'the action was refused');
      await fillSignIn(page, { username: 'depot-admin', password: 'depot-admin-pw' });
      await pending.getByTestId('approve-button').click();
      await page.locator('[data-testid="station-row"][data-station-id="GATE-1"]').waitFor({ timeout: TIMEOUT_MS });
      await station.close();
      assert.deepEqual(pageErrors.map(String), []);
    });
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT_DIR + name, fullPage: true });
}
