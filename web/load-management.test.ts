// Browser test of the load-management and fleet-vehicle pages against the real server and a strict OCPP 1.6 station:
// an admin builds a circuit tree and a vehicle through the UI (with field-level errors), puts the station on a circuit,
// and sees its allocation with the reason appear live when a session starts; a viewer sees no edit controls, an
// operator only the circuit override and vehicles.
// Needs Debian's chromium at /usr/bin/chromium.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createUserWithToken } from '../src/testing/auth.ts';
import { balancerStation, type BalancerStation } from '../src/testing/balancer-station.ts';
import { startTestServer, type TestServer } from '../src/testing/server.ts';
import { openSignedIn } from './test-support/sign-in.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const TIMEOUT_MS = 10_000;
/** Shorter than the page's 10 s poll: the allocation must come from the live event stream. */
const LIVE_MS = 6_000;
const STATION = 'LM-CP1';

describe('load management UI in a browser', { skip: existsSync(CHROMIUM_PATH) ? false : `needs Chromium at ${CHROMIUM_PATH}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let station: BalancerStation | undefined;

  before(async () => {
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await station?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    return page;
  };

  const createCircuit = async (page: Page, fields: { id: string; name: string; limit: string }) => {
    await page.getByTestId('circuit-new').click();
    const form = page.getByTestId('circuit-form');
    await form.getByLabel('ID').fill(fields.id);
    await form.getByLabel('Name').fill(fields.name);
    await form.getByLabel('Limit (A per phase)').fill(fields.limit);
    await page.getByTestId('circuit-form-save').click();
  };

  test('an admin builds the site and sees a live allocation; a viewer only reads', async () => {
    const page = await newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await openSignedIn(page, server.baseUrl, server.admin);
    await page.getByTestId('nav-load-management').click();
    await page.getByTestId('load-management-page').waitFor({ timeout: TIMEOUT_MS });

    // The grid connection, first with a negative limit: the API's field-level error shows under the field.
    await createCircuit(page, { id: 'grid', name: 'Grid connection', limit: '-5' });
    await page.getByTestId('circuit-limit-error').waitFor({ timeout: TIMEOUT_MS });
    assert.match(await page.getByTestId('circuit-limit-error').innerText(), />=|must/);
    await page.getByTestId('circuit-form').getByLabel('Limit (A per phase)').fill('63');
    await page.getByTestId('circuit-form').getByLabel('Safety margin (A)').fill('2');
    await page.getByTestId('circuit-form-save').click();
    await page.locator('[data-testid="circuit-node"][data-circuit-id="grid"]').waitFor({ timeout: TIMEOUT_MS });

    // A feeder below it (the parent defaults to the grid connection), with a per-phase limit and an evening limit.
    await page.getByTestId('circuit-new').click();
    const form = page.getByTestId('circuit-form');
    await form.getByLabel('ID').fill('feeder-a');
    await form.getByLabel('Name').fill('Feeder A');
    await form.getByLabel('Limit (A per phase)').fill('32 / 32 / 25');
    await page.getByTestId('circuit-schedule-add').click();
    await form.getByLabel('Limit (A)', { exact: true }).fill('20');
    // Its building-load meter over Modbus TCP (nothing answers on port 1: it stays silent, so the worst case counts);
    // without a host the API refuses it under the field.
    const meter = page.getByTestId('circuit-meter');
    await meter.getByLabel('Meter', { exact: true }).selectOption('modbus');
    await meter.getByLabel('Meter model').selectOption('eastron-sdm630');
    await meter.getByLabel('Worst-case other load (A)').fill('10 / 5 / 5');
    await page.getByTestId('circuit-form-save').click();
    await meter.locator('#meter-host-error').waitFor({ timeout: TIMEOUT_MS });
    await meter.getByLabel('Host').fill('127.0.0.1');
    await meter.getByLabel('Port').fill('1');
    await page.getByTestId('circuit-form-save').click();
    const feeder = page.locator('[data-circuit-id="grid"] [data-testid="circuit-node"][data-circuit-id="feeder-a"]');
    await feeder.waitFor({ timeout: TIMEOUT_MS });
    // Editing the grid connection keeps it one (its parent reads None) and saves.
    await page.locator('[data-testid="circuit-node"][data-circuit-id="grid"]').getByTestId('circuit-edit').first().click();
    assert.equal(await form.getByLabel('Parent').inputValue(), '');
    await form.getByLabel('Name').fill('Grid connection 1');
    await page.getByTestId('circuit-form-save').click();
    await page.locator('[data-testid="circuit-node"][data-circuit-id="grid"]', { hasText: 'Grid connection 1' }).first().waitFor({ timeout: TIMEOUT_MS });
    const circuits = (await (await server.api('/site/circuits')).json()) as { items: { id: string; parentId: string | null; limitA: unknown; schedule: unknown[]; meter: unknown; fallbackLoadA: unknown }[] };
    const stored = circuits.items.find((c) => c.id === 'feeder-a');
    assert.deepEqual([stored?.parentId, stored?.limitA, stored?.schedule.length, stored?.fallbackLoadA], ['grid', [32, 32, 25], 1, [10, 5, 5]]);
    assert.equal(await feeder.getByTestId('circuit-meter-source').innerText(), 'Meter: Modbus TCP 127.0.0.1:1 (eastron-sdm630), other load only');
    assert.deepEqual(stored?.meter, {
      kind: 'modbus', measures: 'non-charger', staleAfterSeconds: 15,
      modbus: { host: '127.0.0.1', port: 1, unitId: 1, preset: 'eastron-sdm630', pollSeconds: 2, timeoutMs: 1500 },
    });

    // A meter no preset knows: its own register map, started from the model chosen before. Fields too far apart to
    // be read at once are refused; the map as corrected is stored instead of the preset.
    await feeder.getByTestId('circuit-edit').first().click();
    // The models arrive with their register maps a moment after the form opens.
    await page.waitForFunction(() => (document.getElementById('meter-preset') as HTMLSelectElement | null)?.options.length === 4, undefined, { timeout: TIMEOUT_MS });
    await meter.getByLabel('Meter model').selectOption('custom');
    const registers = meter.getByTestId('register-map');
    assert.deepEqual(
      await Promise.all(['currentA-0', 'currentA-2', 'powerW-0'].map((r) => registers.locator(`#register-${r}-address`).inputValue())),
      ['6', '10', '12'],
    );
    await registers.locator('#register-currentA-0-address').fill('300');
    await page.getByTestId('circuit-form-save').click();
    await registers.getByText('at most 125 can be read at once').waitFor({ timeout: TIMEOUT_MS });
    await registers.locator('#register-currentA-0-address').fill('6');
    await registers.locator('#register-currentA-0-type').selectOption('int32');
    await registers.locator('#register-currentA-0-order').selectOption('low');
    await registers.locator('#register-currentA-0-scale').fill('0.001');
    for (const i of [0, 1, 2]) await registers.locator(`#register-powerW-${i}-address`).fill('');
    await meter.getByLabel('Answer within (ms)').fill('800');
    await page.getByTestId('circuit-form-save').click();
    await feeder.getByTestId('circuit-meter-source').filter({ hasText: 'own register map' }).waitFor({ timeout: TIMEOUT_MS });
    const custom = ((await (await server.api('/site/circuits/feeder-a')).json()) as { meter: { modbus: Record<string, unknown> } }).meter.modbus;
    assert.deepEqual([custom['preset'], custom['timeoutMs'], custom['registers']], [undefined, 800, {
      table: 'input',
      currentA: [{ address: 6, type: 'int32', wordOrder: 'low', scale: 0.001 }, { address: 8, type: 'float32', wordOrder: 'high' }, { address: 10, type: 'float32', wordOrder: 'high' }],
    }]);

    // Energy prices: a default and a night window; a window off the quarter hour is refused under its field first.
    const settings = page.getByTestId('site-config-form');
    await settings.getByLabel('Energy price per kWh').fill('0.3');
    await page.getByTestId('price-windows-add').click();
    await settings.getByLabel('From').fill('22:10');
    await settings.getByLabel('Price per kWh', { exact: true }).fill('0.12');
    await page.getByTestId('site-config-form-save').click();
    await settings.getByText('must be on a quarter hour').waitFor({ timeout: TIMEOUT_MS });
    await settings.getByLabel('From').fill('22:00');
    await page.getByTestId('site-config-form-save').click();
    await settings.getByText('Saved.').waitFor({ timeout: TIMEOUT_MS });
    const siteConfig = (await (await server.api('/site/config')).json()) as { prices: unknown };
    assert.deepEqual(siteConfig.prices, { default: 0.3, windows: [{ from: '22:00', to: '06:00', price: 0.12 }] });

    // Tuning, folded away: a bad value opens the section and is refused under its field; empty means the default.
    const tuning = settings.getByTestId('tuning');
    assert.equal(await tuning.getByLabel('Rotation period (s)').isVisible(), false);
    await tuning.locator('summary').click();
    await tuning.getByLabel('Rotation period (s)').waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await tuning.getByLabel('Rotation period (s)').getAttribute('placeholder'), 'default 600');
    assert.equal(await tuning.getByLabel('Control cycle (s)').inputValue(), '5');
    await tuning.getByLabel('Rotation period (s)').fill('900');
    await tuning.getByLabel('Control cycle (s)').fill('0.1');
    await tuning.locator('summary').click();
    await page.getByTestId('site-config-form-save').click();
    await tuning.getByText('must be >= 0.5').waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await tuning.getAttribute('open'), '', 'the refused field is shown');
    assert.deepEqual(((await (await server.api('/site/config')).json()) as { balancer: unknown }).balancer, {}, 'nothing changed');
    await tuning.getByLabel('Control cycle (s)').fill('');
    await page.getByTestId('site-config-form-save').click();
    await settings.getByText('Saved.').waitFor({ timeout: TIMEOUT_MS });
    const tuned = (await (await server.api('/site/config')).json()) as { balancer: unknown; driver: { cycleSeconds: number } };
    assert.deepEqual([tuned.balancer, tuned.driver.cycleSeconds], [{ rotationPeriodS: 900 }, 5]);

    // A fleet vehicle with a weekday departure; a bad battery size is refused field by field first.
    await page.getByTestId('nav-vehicles').click();
    await page.getByTestId('vehicle-new').click();
    const vehicleForm = page.getByTestId('vehicle-form');
    await vehicleForm.getByLabel('Name').fill('Van 1');
    await vehicleForm.getByLabel('ID tokens').fill('VAN-TAG-1');
    await vehicleForm.getByLabel('Battery (kWh)').fill('-3');
    await page.getByTestId('departures-add').click();
    await vehicleForm.getByLabel('Energy (kWh)', { exact: true }).fill('30');
    await page.getByTestId('vehicle-form-save').click();
    await page.getByTestId('vehicle-battery-error').waitFor({ timeout: TIMEOUT_MS });
    await vehicleForm.getByLabel('Battery (kWh)').fill('75');
    await page.getByTestId('vehicle-form-save').click();
    const vehicleRow = page.locator('[data-testid="vehicle-row"]', { hasText: 'Van 1' });
    await vehicleRow.waitFor({ timeout: TIMEOUT_MS });
    assert.match(await vehicleRow.innerText(), /VAN-TAG-1[\s\S]*75 kWh[\s\S]*30 kWh[\s\S]*Not plugged in/);

    // The station connects and is put on the feeder with its EVSE's wiring.
    station = await balancerStation(server, STATION, '1.6');
    await station.cp.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await page.getByTestId('nav-load-management').click();
    await page.getByTestId('station-place').click();
    const electrical = page.getByTestId('station-electrical-form');
    await electrical.getByLabel('Station').selectOption(STATION);
    await electrical.getByLabel('Circuit').selectOption('feeder-a');
    await electrical.getByLabel('Max (A)').fill('16');
    await page.getByTestId('station-electrical-form-save').click();
    await page.locator(`[data-testid="site-station-row"][data-station-id="${STATION}"]`).waitFor({ timeout: TIMEOUT_MS });
    assert.match(await feeder.innerText(), new RegExp(`Stations: ${STATION}`));

    // An installer set quirks and a DC EVSE's power through the API; editing the station in the UI keeps them, and
    // the limit step and DC minimum power chosen in the form reach the API.
    const described = await server.api(`/stations/${STATION}/electrical`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ circuitId: 'feeder-a', evses: [{ evseId: 1, maxCurrentA: 16 }, { evseId: 2, kind: 'DC', maxPowerW: 50_000, minPowerW: 5_000, voltageV: 400 }], quirks: { noTxProfile: true, minCurrentA: 8 } }),
    });
    assert.equal(described.status, 200, await described.text());
    const stationRow = page.locator(`[data-testid="site-station-row"][data-station-id="${STATION}"]`);
    await page.reload();
    await stationRow.getByTestId('site-station-quirks').filter({ hasText: 'at least 8 A, no TxProfile' }).waitFor({ timeout: TIMEOUT_MS });
    await stationRow.getByRole('button', { name: 'Edit' }).click();
    const quirks = page.getByTestId('station-quirks');
    assert.equal(await quirks.getByLabel('Lowest current it takes (A)').inputValue(), '8');
    assert.equal(await quirks.getByLabel('Refuses TxProfile (limits go out as TxDefaultProfile)').isChecked(), true);
    // The DC EVSE's minimum power and voltage are in the form (an AC EVSE has no minimum power field).
    assert.deepEqual([await page.locator('#evse-1-min-kw').inputValue(), await page.locator('#evse-1-voltage').inputValue()], ['5', '400']);
    assert.equal(await page.locator('#evse-0-min-kw').count(), 0);
    await page.locator('#evse-1-min-kw').fill('60');
    await quirks.getByLabel('Limit step (A)').fill('0.25');
    await page.getByTestId('station-electrical-form-save').click();
    await page.getByTestId('station-electrical-form').getByText('must be a multiple of 0.1 A').waitFor({ timeout: TIMEOUT_MS });
    await page.getByTestId('station-electrical-form').getByText('is above maxPowerW').waitFor({ timeout: TIMEOUT_MS });
    await page.locator('#evse-1-min-kw').fill('7.5');
    await quirks.getByLabel('Limit step (A)').fill('1');
    await page.getByTestId('station-electrical-form-save').click();
    await stationRow.getByTestId('site-station-quirks').filter({ hasText: 'whole amps only, at least 8 A, no TxProfile' }).waitFor({ timeout: TIMEOUT_MS });
    const kept = (await (await server.api(`/stations/${STATION}/electrical`)).json()) as { evses: Record<string, unknown>[]; quirks: Record<string, unknown> };
    assert.deepEqual(kept.quirks, { stackLevel0Only: false, minCurrentA: 8, stepA: 1, noTxProfile: true, unitOnly: null, ignoresLimits: false });
    assert.deepEqual([kept.evses[1]!['maxPowerW'], kept.evses[1]!['minPowerW'], kept.evses[1]!['voltageV']], [50_000, 7_500, 400]);
    assert.match(await stationRow.innerText(), /EVSE 2: DC 3φ L1 L2 L3, 50 kW/);

    // A session starts: its allocation and the reason appear on the open page from the event stream.
    await page.waitForTimeout(300);
    await station.startSession(1, 'VAN-TAG-1');
    const row = page.locator(`[data-testid="allocation-row"][data-station-id="${STATION}"]`);
    await row.waitFor({ timeout: LIVE_MS });
    assert.notEqual((await row.getByTestId('allocation-reason').innerText()).trim(), '');
    assert.match(await row.innerText(), /Van 1/);
    assert.match(await row.getByTestId('allocation-current').innerText(), /A × /);
    const plan = page.locator('[data-testid="vehicle-plan-row"]', { hasText: 'Van 1' });
    assert.match(await plan.innerText(), new RegExp(STATION));
    await feeder.getByTestId('circuit-load-bars').waitFor({ timeout: TIMEOUT_MS });
    assert.deepEqual(pageErrors, []);

    // A viewer sees the same page without any edit control.
    const viewer = await createUserWithToken(server, 'lm-viewer', 'viewer');
    const viewerPage = await newPage();
    await openSignedIn(viewerPage, server.baseUrl, { username: 'lm-viewer', password: viewer.password });
    await viewerPage.getByTestId('nav-load-management').click();
    await viewerPage.locator('[data-testid="circuit-node"][data-circuit-id="feeder-a"]').waitFor({ timeout: TIMEOUT_MS });
    await viewerPage.locator(`[data-testid="allocation-row"][data-station-id="${STATION}"]`).waitFor({ timeout: TIMEOUT_MS });
    for (const id of ['circuit-new', 'circuit-edit', 'station-place', 'site-config-form']) assert.equal(await viewerPage.getByTestId(id).count(), 0, id);
    assert.equal(await viewerPage.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.match(await viewerPage.getByTestId('site-config').innerText(), /energy 0\.3 per kWh, 0\.12 every day 22:00–06:00/);
    await viewerPage.getByTestId('nav-vehicles').click();
    await viewerPage.locator('[data-testid="vehicle-row"]', { hasText: 'Van 1' }).waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await viewerPage.getByTestId('vehicle-new').count(), 0);
    assert.equal(await viewerPage.getByTestId('vehicle-edit').count(), 0);
    assert.equal(await viewerPage.getByTestId('circuit-override-edit').count(), 0);

    // An operator may limit a circuit for now and manage vehicles, but not change the installation model.
    const operator = await createUserWithToken(server, 'lm-operator', 'operator');
    const operatorPage = await newPage();
    await openSignedIn(operatorPage, server.baseUrl, { username: 'lm-operator', password: operator.password });
    await operatorPage.getByTestId('nav-load-management').click();
    const operatorFeeder = operatorPage.locator('[data-testid="circuit-node"][data-circuit-id="feeder-a"]');
    await operatorFeeder.waitFor({ timeout: TIMEOUT_MS });
    for (const id of ['circuit-new', 'circuit-edit', 'station-place', 'site-config-form']) assert.equal(await operatorPage.getByTestId(id).count(), 0, id);
    assert.equal(await operatorFeeder.getByTestId('circuit-override-edit').count(), 1);
    await operatorPage.getByTestId('nav-vehicles').click();
    await operatorPage.getByTestId('vehicle-new').waitFor({ timeout: TIMEOUT_MS });
  });
});
