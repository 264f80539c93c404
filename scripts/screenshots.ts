// Screenshots of the admin UI's main pages for the README: starts the real server, seeds a demo depot (a 3×100 A grid
// connection with two feeders, OCPP 1.6 chargers on them with phase rotations, fleet vehicles charging against their
// departures, ID tokens in groups, users, an API token, a webhook, a day of site power), signs in through the UI and
// saves 1280×800 PNGs to docs/screenshots/ (shown in the README).
//
//   npm run screenshots        (needs Debian's chromium at /usr/bin/chromium)

import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startTestServer } from '../src/testing/server.ts';
import { openSignedIn } from '../web/test-support/sign-in.ts';
import { seedDepot, TIME_ZONE, type Depot } from './screenshots/depot.ts';

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 800 };
/** The README's images are committed: keep each small. */
const MAX_BYTES = 250_000;

async function shoot(page: Page, name: string, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.getByTestId(ready).first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(800);
  await save(page, name);
}

/** Like shoot, then scrolls so the panel with `heading` is at the top (for pages longer than the viewport). */
async function shootFrom(page: Page, name: string, hash: string, ready: string, heading: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.getByTestId(ready).first().waitFor({ timeout: 10_000 });
  await page.getByRole('heading', { name: heading }).first().evaluate((el) => {
    el.closest('section')?.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -76); // below the sticky header
  });
  await page.waitForTimeout(800);
  await save(page, name);
}

async function save(page: Page, name: string): Promise<void> {
  const path = `${OUT_DIR}${name}.png`;
  await page.screenshot({ path });
  const { size } = await stat(path);
  console.log(`screenshots: ${name}.png (${Math.round(size / 1000)} kB)${size > MAX_BYTES ? ' — over the size budget' : ''}`);
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const server = await startTestServer({ acceptUnknownStations: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  let depot: Depot | undefined;
  try {
    depot = await seedDepot(server);
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: TIME_ZONE });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`screenshots: page error: ${error.message}`));
    await openSignedIn(page, server.baseUrl, server.admin);
    await shoot(page, 'dashboard', '#/dashboard', 'site-power-chart');
    await shoot(page, 'stations', '#/stations', 'stations-table');
    await shoot(page, 'station-detail', '#/stations/DEPOT-A-01', 'station-sessions');
    await shoot(page, 'sessions', '#/sessions', 'session-row');
    await shoot(page, 'session-detail', `#/sessions/${depot.sessionId}`, 'power-chart');
    await shoot(page, 'id-tokens', '#/id-tokens', 'id-token-row');
    await shoot(page, 'vehicles', '#/vehicles', 'vehicle-row');
    await shoot(page, 'firmware', '#/firmware', 'rollout-station');
    await shootFrom(page, 'load-management', '#/load-management', 'circuit-load-bars', 'Circuits');
    await shootFrom(page, 'load-management-allocations', '#/load-management', 'allocation-row', 'Allocation per EVSE');
    await shoot(page, 'settings-users', '#/settings/users', 'user-row');
    await shoot(page, 'settings-api-tokens', '#/settings/api-tokens', 'api-token-row');
    await shoot(page, 'settings-webhooks', '#/settings/webhooks', 'webhook-row');
    await shoot(page, 'settings-security', '#/settings/security', 'security-section');
    await page.goto(`${server.baseUrl}/api/docs#op=getSiteAllocations`);
    await page.getByRole('navigation', { name: 'Operations' }).waitFor({ timeout: 10_000 });
    const operation = page.getByRole('article', { name: 'GET /api/v1/site/allocations' });
    await operation.getByRole('button', { name: 'Send GET' }).click();
    await operation.getByRole('status').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(800);
    await save(page, 'api-docs');
  } finally {
    await depot?.close();
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
