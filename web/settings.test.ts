// Browser test of the settings sections and the ID-token CSV import, against the real server.
// Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = 10_000;

if (!existsSync(CHROMIUM_PATH)) {
  const message = `settings browser test needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium)`;
  if (process.env.CI) {
    test('settings in a browser', () => {
      throw new Error(`${message}; it is required when CI is set.`);
    });
  } else {
    test('settings in a browser', { skip: `${message}; skipped outside CI.` }, () => {});
  }
} else {
  describe('settings and ID-token import in a browser', () => {
    let server: TestServer;
    let browser: Browser;

    before(async () => {
      server = await startTestServer({ backupKeep: 0 });
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    const newPage = async () => (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })).newPage();
    const open = async (page: Page, hash: string, testId: string) => {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.getByTestId(testId).waitFor({ timeout: TIMEOUT_MS });
    };

    test('an admin creates a user, an API token (shown once), a webhook and a backup, and imports ID tokens', async () => {
      const page = await newPage();
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      await openSignedIn(page, server.baseUrl, server.admin);

      // Users: a field error from the API, then a new operator.
      await open(page, '#/settings/users', 'users-section');
      await page.getByLabel('Username').fill('ola');
      await page.getByLabel('Password').fill('short');
      await page.locator('#user-role').selectOption('operator');
      await page.getByTestId('user-create').click();
      assert.equal(await page.getByTestId('user-password-error').innerText({ timeout: TIMEOUT_MS }), 'must be at least 8 characters');
      await page.getByLabel('Password').fill('ola-password');
      await page.getByTestId('user-create').click();
      await page.locator('[data-testid="user-row"][data-username="ola"]').waitFor({ timeout: TIMEOUT_MS });

      // API token: the secret is shown once, with a copy button, and is gone after "Done".
      await page.getByTestId('settings-tab-api-tokens').click();
      await page.getByLabel('Name').fill('ERP export');
      await page.getByTestId('api-token-create').click();
      const secret = await page.getByTestId('api-token-secret-value').innerText({ timeout: TIMEOUT_MS });
      assert.match(secret, /^ampy_/);
      assert.equal(await page.getByTestId('api-token-secret-copy').count(), 1);
      await page.locator('[data-testid="api-token-row"][data-name="ERP export"]').waitFor({ timeout: TIMEOUT_MS });
      await page.getByTestId('api-token-secret-done').click();
      assert.equal(await page.getByTestId('api-token-secret').count(), 0);
      assert.ok(!(await page.getByTestId('api-tokens-table').innerText()).includes(secret), 'the list shows only the prefix');
      const me = await fetch(`${server.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(me.status, 200, 'the token shown works');

      // Webhook: a bad URL is refused next to the field; a good one is listed with its secret shown once.
      await page.getByTestId('settings-tab-webhooks').click();
      await page.getByLabel('URL').fill('ftp://example');
      await page.getByTestId('webhook-new-save').click();
      assert.match(await page.getByTestId('webhook-new-url-error').innerText({ timeout: TIMEOUT_MS }), /http/);
      await page.getByLabel('URL').fill('http://127.0.0.1:9/hook');
      await page.getByLabel('Description').fill('ERP');
      await page.getByTestId('webhook-new-save').click();
      await page.getByTestId('webhook-secret-value').waitFor({ timeout: TIMEOUT_MS });
      await page.locator('[data-testid="webhook-row"][data-url="http://127.0.0.1:9/hook"]').waitFor({ timeout: TIMEOUT_MS });

      // Backup now: listed, with a download link.
      await page.getByTestId('settings-tab-backups').click();
      await page.getByTestId('backups-section').waitFor({ timeout: TIMEOUT_MS });
      await page.getByTestId('backup-now').click();
      await page.getByTestId('backup-row').first().waitFor({ timeout: TIMEOUT_MS });
      const link = await page.getByTestId('backup-download').first().getAttribute('href');
      const size = await page.evaluate(async (href) => (await (await fetch(href!)).arrayBuffer()).byteLength, link);
      assert.ok(size > 0);

      await page.getByTestId('settings-tab-about').click();
      assert.equal(await page.getByTestId('about-version').innerText({ timeout: TIMEOUT_MS }), server.appliance.services.version);

      // CSV import: the bad line is reported and nothing is stored; fixed, it imports.
      await page.getByTestId('nav-id-tokens').click();
      await page.getByTestId('csv-import').waitFor({ timeout: TIMEOUT_MS });
      const upload = (text: string) => page.getByTestId('csv-file').setInputFiles({ name: 'cards.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
      await upload('token,type,label\nCSV-1,ISO14443,Driver one\nCSV-2,Plastic,Driver two\n');
      const problem = await page.getByTestId('csv-problem').innerText({ timeout: TIMEOUT_MS });
      assert.match(problem, /line 3: type/);
      assert.match(problem, /must be one of/);
      assert.equal(await page.getByTestId('csv-import-confirm').count(), 0);
      await upload('token,type,label\nCSV-1,ISO14443,Driver one\nCSV-2,Central,Driver two\n');
      await page.getByTestId('csv-import-confirm').click();
      assert.match(await page.getByTestId('csv-result').innerText({ timeout: TIMEOUT_MS }), /2 created/);
      await page.locator('[data-testid="id-token-row"][data-token="CSV-2"]').waitFor({ timeout: TIMEOUT_MS });
      await page.getByTestId('local-list-sync').waitFor({ timeout: TIMEOUT_MS });

      assert.deepEqual(pageErrors, []);
      await page.context().close();
    });

    test('an operator sees neither the users section nor the other admin sections', async () => {
      const page = await newPage();
      await openSignedIn(page, server.baseUrl, { username: 'ola', password: 'ola-password' });
      await open(page, '#/settings/users', 'settings-tabs');
      const tabs = await page.getByTestId('settings-tabs').innerText();
      assert.deepEqual(tabs.split(/\s*\n\s*/).filter(Boolean), ['Site', 'About']);
      assert.equal(await page.getByTestId('users-section').count(), 0);
      assert.equal(await page.getByLabel('Site name').isDisabled({ timeout: TIMEOUT_MS }), true);
      await page.context().close();
    });
  });
}
