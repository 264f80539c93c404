// Browser test of the API reference page (/api/docs) against the real server.
// Needs the web bundle (node scripts/build/web.ts) and Debian's chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = 10_000;

if (!existsSync(CHROMIUM_PATH)) {
  const message = `API reference browser test needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install -y chromium)`;
  if (process.env.CI) test('API reference in a browser', () => assert.fail(`${message}; it is required when CI is set.`));
  else test('API reference in a browser', { skip: `${message}; skipped outside CI.` }, () => {});
} else {
  describe('the API reference page in a browser', () => {
    let server: TestServer;
    let browser: Browser;

    before(async () => {
      server = await startTestServer();
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    test('loads from the server with nothing from outside, lists the operations, and a "try it" GET returns data', async () => {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      const pageErrors: Error[] = [];
      const outside: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      page.on('request', (request) => {
        if (!request.url().startsWith(server.baseUrl)) outside.push(request.url());
      });
      await openSignedIn(page, server.baseUrl, server.admin);
      assert.equal(await page.getByTestId('api-docs-link').getAttribute('href'), '/api/docs');

      await page.goto(`${server.baseUrl}/api/docs#op=getStations`);
      const nav = page.getByRole('navigation', { name: 'Operations' });
      await nav.waitFor({ timeout: TIMEOUT_MS });
      assert.ok((await nav.locator('.docs-op').count()) > 100, 'every operation is listed');
      await nav.getByRole('heading', { name: 'Commands' }).waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('Signed in as test-admin').waitFor({ timeout: TIMEOUT_MS });

      const operation = page.getByRole('article', { name: 'GET /api/v1/stations' });
      await operation.getByRole('cell', { name: 'sort', exact: true }).waitFor({ timeout: TIMEOUT_MS });
      await operation.getByRole('textbox', { name: 'limit', exact: true }).fill('5');
      await operation.getByRole('button', { name: 'Send GET' }).click();
      const reply = operation.getByRole('status');
      await reply.waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await reply.locator('.docs-status').innerText(), '200');
      assert.deepEqual(JSON.parse(await reply.locator('pre').innerText()), { items: [], total: 0 });

      // A change, with the session's CSRF token: register a station from the page.
      await page.goto(`${server.baseUrl}/api/docs#op=postStations`);
      const post = page.getByRole('article', { name: 'POST /api/v1/stations' });
      await post.getByRole('textbox', { name: 'Body (JSON)' }).fill('{"id":"DOCS-1"}');
      await post.getByRole('button', { name: 'Send POST' }).click();
      await post.getByRole('status').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await post.locator('.docs-status').innerText(), '201');
      assert.equal((await (await server.api('/stations/DOCS-1')).json() as { id: string }).id, 'DOCS-1');

      assert.deepEqual(outside, [], 'requests outside the appliance');
      assert.deepEqual(pageErrors.map((e) => e.message), []);
    });
  });
}
