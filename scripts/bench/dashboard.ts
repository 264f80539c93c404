/**
 * UI benchmark: how long the dashboard takes to render with 200 stations connected, sessions running and 24 h of
 * site power history, in headless Chromium on this machine. Not a test: `npm run bench:ui`.
 *
 *   node scripts/bench/dashboard.ts [--runs 10] [--stations 200] [--sessions 60]
 *
 * Builds the web bundle, seeds a fresh data folder (an admin, an API token, 24 h of per-minute site power), starts
 * Ampyard from source as a child process, connects the simulated stations (scripts/sim Fleet, OCPP 1.6) and starts
 * metered sessions on some of them. Each run opens the dashboard in a new tab and takes the time from navigation
 * start to the page's `dashboard-ready` mark (set once the uPlot chart is drawn and the station counts are shown).
 * Prints median and p95 with PASS/FAIL against 1 s (p95) and the gzipped bundle against 150 KB, ends with one
 * JSON line, and writes it to scripts/bench/results/dashboard.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { openAuthStore } from '../../src/cli/auth-store.ts';
import { defaults } from '../../src/config/config.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SitePowerRepo } from '../../src/storage/site-power-repo.ts';
import { depotDay } from '../../src/testing/site-power-history.ts';
import { buildWeb } from '../build/web.ts';
import { Fleet } from '../sim/fleet.ts';
import { startMeteredSession } from '../sim/metered-session.ts';
import { openSignedIn } from '../../web/test-support/sign-in.ts';
import { ServerProcess } from './server-process.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const RENDER_BUDGET_MS = 1000;
const BUNDLE_BUDGET_KB = 150;
const GRID_LIMIT_A = 250;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '10' }, stations: { type: 'string', default: '200' }, sessions: { type: 'string', default: '60' } } });
const RUNS = Number(args.runs);
const STATIONS = Number(args.stations);
const SESSIONS = Math.min(STATIONS, Number(args.sessions));

async function seed(dataDir: string): Promise<{ admin: { username: string; password: string }; token: string }> {
  const store = openAuthStore({ ...defaults, dataDir });
  const admin = { username: 'bench-admin', password: randomBytes(12).toString('base64url') };
  const user = await store.users.create({ ...admin, role: 'admin' });
  const token = (await store.tokens.create(user.id, 'bench')).secret;
  store.close();
  const db = openDatabase(dataDir);
  const repo = new SitePowerRepo(db);
  db.transaction(() => repo.put(depotDay(Date.now(), GRID_LIMIT_A)))();
  db.close();
  return { admin, token };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const bundle = await buildWeb();
  const bundleGzipKb = bundle.files.filter((f) => f.path.startsWith('assets/app.')).reduce((sum, f) => sum + f.gzipBytes, 0) / 1024;
  const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-bench-ui-'));
  const { admin, token } = await seed(dataDir);
  const server = await ServerProcess.start({
    kind: 'ampyard',
    command: process.execPath,
    args: [join(repoRoot, 'src/main.ts'), '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--accept-unknown', '--free-vend', '--allow-profile0', '--tls-port', '0', '--log-level', 'warn'],
  }, 60_000);
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const fleet = new Fleet({ url: server.url, stations: STATIONS, versions: ['1.6'], connectors: 2, idPrefix: 'BENCH', heartbeatIntervalSec: 300 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const settings = await fetch(`${baseUrl}/api/v1/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ gridLimitA: GRID_LIMIT_A }) });
    if (!settings.ok) throw new Error(`PATCH /settings: ${settings.status} ${await settings.text()}`);
    const started = await fleet.start();
    console.log(`stations: ${started.stations.accepted} connected; starting ${SESSIONS} metered sessions`);
    await Promise.all(fleet.stations.slice(0, SESSIONS).map((s, i) => startMeteredSession(s, 1, 6 + (i % 11))));

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await openSignedIn(await context.newPage(), baseUrl, admin);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/#/dashboard`);
      await page.locator('[data-testid="dashboard"][data-ready="true"]').waitFor({ timeout: 30_000 });
      const shown = await page.getByTestId('summary-stations').innerText();
      if (Number(shown) !== STATIONS) throw new Error(`the dashboard shows ${shown} stations, expected ${STATIONS}`);
      if ((await page.locator('[data-testid="site-power-chart"] .uplot canvas').count()) !== 1) throw new Error('the chart was not drawn');
      times.push(await page.evaluate(() => performance.getEntriesByName('dashboard-ready')[0]!.startTime));
      await page.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const medianMs = Math.round(percentile(sorted, 50));
    const p95Ms = Math.round(percentile(sorted, 95));
    const pass = p95Ms < RENDER_BUDGET_MS && bundleGzipKb < BUNDLE_BUDGET_KB;
    console.log(`dashboard render (navigation → chart drawn and station counts shown), ${RUNS} runs: ${times.map(Math.round).join(', ')} ms`);
    console.log(`median ${medianMs} ms, p95 ${p95Ms} ms: ${p95Ms < RENDER_BUDGET_MS ? 'PASS' : 'FAIL'} (budget ${RENDER_BUDGET_MS} ms)`);
    console.log(`UI bundle ${bundleGzipKb.toFixed(1)} KB gzipped: ${bundleGzipKb < BUNDLE_BUDGET_KB ? 'PASS' : 'FAIL'} (budget ${BUNDLE_BUDGET_KB} KB)`);
    const result = {
      benchmark: 'dashboard', at: new Date().toISOString(), stations: STATIONS, sessions: SESSIONS, historyMinutes: 1440, runs: RUNS,
      firstMs: Math.round(times[0]!), medianMs, p95Ms, budgetMs: RENDER_BUDGET_MS, bundleGzipKb: Math.round(bundleGzipKb * 10) / 10, bundleBudgetKb: BUNDLE_BUDGET_KB, pass,
    };
    mkdirSync(join(repoRoot, 'scripts/bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'scripts/bench/results/dashboard.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
    process.exitCode = pass ? 0 : 1;
  } finally {
    await browser.close();
    await fleet.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
