import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson, withDefaultHeaders } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

const send = (url: string, method: string, body?: unknown) =>
  getJson(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const register = (wh: number, context = 'Sample.Periodic') => ({ value: wh, context, measurand: 'Energy.Active.Import.Register' });

describe('tariffs API', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('a site default and one tariff per id token group, edited and validated', async () => {
    const site = await postJson(api('/tariffs'), { name: 'Depot', currency: 'EUR', pricePerKwh: 0.3 });
    assert.equal(site.status, 201);
    assert.deepEqual([site.body.groupId, site.body.pricePerKwh, site.body.pricePerHour, site.body.sessionFee, site.body.message], [null, 0.3, 0, 0, null]);
    const again = await postJson(api('/tariffs'), { name: 'Other', currency: 'EUR' });
    assert.equal(again.status, 409, 'one site default');
    const fleet = await postJson(api('/tariffs'), { groupId: 'FLEET', name: 'Fleet', currency: 'EUR', sessionFee: 1 });
    assert.equal(fleet.status, 201);
    assert.equal((await postJson(api('/tariffs'), { groupId: 'fleet', name: 'Dup', currency: 'EUR' })).status, 409, 'groups are case-insensitive');

    const bad = await postJson(api('/tariffs'), { name: 'X', currency: 'euro', pricePerKwh: -1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), ['currency', 'pricePerKwh']);
    assert.equal((await postJson(api('/tariffs'), { currency: 'EUR' })).status, 400);

    const patched = await send(api(`/tariffs/${fleet.body.id}`), 'PATCH', { pricePerHour: 2, message: 'Fleet rate applies' });
    assert.deepEqual([patched.status, patched.body.pricePerHour, patched.body.sessionFee, patched.body.message], [200, 2, 1, 'Fleet rate applies']);
    assert.equal((await send(api(`/tariffs/${fleet.body.id}`), 'PATCH', { groupId: null })).status, 409, 'cannot become a second site default');
    assert.equal((await send(api(`/tariffs/${fleet.body.id}`), 'PATCH', { unknown: 1 })).status, 400);
    assert.equal((await send(api('/tariffs/999'), 'PATCH', { name: 'x' })).status, 404);

    const list = (await getJson(api('/tariffs'))).body;
    assert.deepEqual(list.items.map((t: any) => t.groupId), [null, 'FLEET']);
    assert.deepEqual(list.settings, { costUpdateIntervalMinutes: 5 });

    assert.equal((await send(api('/tariffs/settings'), 'PATCH', { costUpdateIntervalMinutes: -1 })).status, 400);
    assert.deepEqual((await send(api('/tariffs/settings'), 'PATCH', { costUpdateIntervalMinutes: 10 })).body, { costUpdateIntervalMinutes: 10 });
    assert.deepEqual((await getJson(api('/tariffs/settings'))).body, { costUpdateIntervalMinutes: 10 });

    assert.equal((await fetch(api(`/tariffs/${fleet.body.id}`), withDefaultHeaders(api('/'), { method: 'DELETE' }))).status, 204);
    assert.equal((await getJson(api(`/tariffs/${fleet.body.id}`))).status, 404);
    assert.equal((await send(api(`/tariffs/${fleet.body.id}`), 'DELETE')).status, 404);
    assert.equal((await getJson(api('/tariffs/abc'))).status, 404);
    assert.equal((await getJson(api('/transactions/12345/cost'))).status, 404);
  });
});

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`OCPP ${version} tariff and cost (strict ocpp-rpc station)`, () => {
    let server: TestServer;
    const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
    const tag = version.replaceAll('.', '');

    before(async () => {
      server = await startTestServer();
      await postJson(api('/id-token-groups'), { id: 'FLEET' });
      await postJson(api('/id-tokens'), { token: 'CARD-T', groupId: 'FLEET' });
      await postJson(api('/id-tokens'), { token: 'CARD-S' });
      await postJson(api('/tariffs'), { name: 'Depot', currency: 'EUR', pricePerKwh: 0.4 });
      await postJson(api('/tariffs'), { groupId: 'FLEET', name: 'Fleet', currency: 'EUR', pricePerKwh: 0.3, pricePerHour: 1.2, sessionFee: 0.5 });
    });
    after(() => server.stop());

    it('personal message at the start, CostUpdated at most every N minutes, totalCost at the end — kept as the final cost', async () => {
      const id = `COST-${tag}`;
      const cs = await strictStation(server, id, version);
      const costUpdates: any[] = [];
      const strictFailures: unknown[] = [];
      cs.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
      cs.handle('CostUpdated', async ({ params }: any) => {
        costUpdates.push(params);
        return {};
      });
      try {
        const t0 = Date.now() - 60 * 60_000;
        const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
        const event = (eventType: string, seqNo: number, minutes: number, extra: Record<string, unknown> = {}) =>
          cs.call('TransactionEvent', { eventType, timestamp: at(minutes), triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId: 'TX-COST' }, evse: { id: 1, connectorId: 1 }, ...extra });

        const started: any = await event('Started', 0, 0, { idToken: { idToken: 'CARD-T', type: 'ISO14443' }, meterValue: [{ timestamp: at(0), sampledValue: [register(10_000, 'Transaction.Begin')] }] });
        assert.equal(started.idTokenInfo.status, 'Accepted');
        assert.deepEqual(started.updatedPersonalMessage, { format: 'UTF8', content: 'Fleet: 0.30 EUR/kWh + 1.20 EUR/h + 0.50 EUR per session' });
        assert.equal(started.totalCost, undefined);

        // The start's meter value is the session's first meter update: 0.50 + 0 kWh + ~1 h × 1.20 (it began an hour ago).
        await eventually(() => costUpdates.length === 1, 3000, 'a CostUpdated');
        assert.equal(costUpdates[0].transactionId, 'TX-COST');
        assert.ok(Math.abs(costUpdates[0].totalCost - 1.7) < 0.05, String(costUpdates[0].totalCost));

        const updated: any = await event('Updated', 1, 60, { meterValue: [{ timestamp: at(60), sampledValue: [register(20_000)] }] });
        assert.equal(updated.updatedPersonalMessage, undefined, 'no token in this event');
        await event('Updated', 2, 61, { meterValue: [{ timestamp: at(61), sampledValue: [register(20_500)] }] });
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(costUpdates.length, 1, 'not again within the 5 minute interval');
        const tx = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];
        const running = (await getJson(api(`/transactions/${tx.id}/cost`))).body.cost;
        assert.deepEqual([running.final, running.energyWh, running.tariff.name, running.sentCost], [false, 10_500, 'Fleet', costUpdates[0].totalCost]);
        assert.ok(running.sentAt);

        // The operator may send one now: the costUpdated command. 0.50 + 10.5 kWh × 0.30 + ~1 h × 1.20
        const manual = await postJson(api(`/stations/${id}/commands/costUpdated`), { transactionId: tx.id });
        assert.equal(manual.status, 200, JSON.stringify(manual.body));
        assert.equal(costUpdates.length, 2);
        assert.equal(manual.body.result.totalCost, costUpdates[1].totalCost);
        assert.ok(Math.abs(costUpdates[1].totalCost - 4.85) < 0.05, String(costUpdates[1].totalCost));

        const ended: any = await event('Ended', 3, 90, { transactionInfo: { transactionId: 'TX-COST', stoppedReason: 'EVDisconnected' }, meterValue: [{ timestamp: at(90), sampledValue: [register(25_000, 'Transaction.End')] }] });
        // 0.50 + 15 kWh × 0.30 + 1.5 h × 1.20
        assert.equal(ended.totalCost, 6.8);
        assert.deepEqual(ended.updatedPersonalMessage, { format: 'UTF8', content: 'Total 6.80 EUR (15.00 kWh, 1 h 30 min)' });
        const final = (await getJson(api(`/transactions/${tx.id}/cost`))).body.cost;
        assert.deepEqual([final.final, final.totalCost, final.energyWh, final.durationSeconds, final.currency], [true, 6.8, 15_000, 5400, 'EUR']);

        // Tariff changes after the end do not change it; a repeated Ended gets the same total.
        const fleet = (await getJson(api('/tariffs'))).body.items.find((t: any) => t.groupId === 'FLEET');
        await getJson(api(`/tariffs/${fleet.id}`), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pricePerKwh: 9 }) });
        const repeated: any = await event('Ended', 3, 90, { transactionInfo: { transactionId: 'TX-COST', stoppedReason: 'EVDisconnected' } });
        assert.equal(repeated.totalCost, 6.8);
        assert.equal((await getJson(api(`/transactions/${tx.id}/cost`))).body.cost.totalCost, 6.8);
        await getJson(api(`/tariffs/${fleet.id}`), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pricePerKwh: 0.3 }) });

        const late = await postJson(api(`/stations/${id}/commands/costUpdated`), { transactionId: tx.id });
        assert.equal(late.status, 409, 'the session has ended');
        assert.deepEqual(strictFailures, []);
      } finally {
        await cs.close({ force: true });
      }
    });

    it('the site default applies without a group; no tariff: no totalCost and no cost updates; unknown tokens get no price', async () => {
      const id = `NOCOST-${tag}`;
      const cs = await strictStation(server, id, version);
      const costUpdates: any[] = [];
      cs.handle('CostUpdated', async ({ params }: any) => {
        costUpdates.push(params);
        return {};
      });
      try {
        const now = new Date().toISOString();
        const base = { timestamp: now, evse: { id: 1, connectorId: 1 } };
        const started: any = await cs.call('TransactionEvent', { ...base, eventType: 'Started', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-SITE' }, idToken: { idToken: 'CARD-S', type: 'ISO14443' } });
        assert.equal(started.updatedPersonalMessage.content, 'Depot: 0.40 EUR/kWh');
        const unknown: any = await cs.call('TransactionEvent', { ...base, evse: { id: 2, connectorId: 1 }, eventType: 'Started', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-UNK' }, idToken: { idToken: 'NOBODY', type: 'ISO14443' } });
        assert.equal(unknown.idTokenInfo.status, 'Unknown');
        assert.equal(unknown.updatedPersonalMessage, undefined);

        // Without any tariff Ampyard does not know the price: no totalCost (OCPP: omitted means "not free").
        for (const t of (await getJson(api('/tariffs'))).body.items) await fetch(api(`/tariffs/${t.id}`), withDefaultHeaders(api('/'), { method: 'DELETE' }));
        await cs.call('TransactionEvent', { ...base, eventType: 'Updated', triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'TX-SITE' }, meterValue: [{ timestamp: now, sampledValue: [register(1000)] }] });
        const ended: any = await cs.call('TransactionEvent', { ...base, eventType: 'Ended', triggerReason: 'EVDeparted', seqNo: 2, transactionInfo: { transactionId: 'TX-SITE', stoppedReason: 'Local' } });
        assert.equal(ended.totalCost, undefined);
        const tx = (await getJson(api(`/transactions?stationId=${id}&status=ended`))).body.items[0];
        assert.deepEqual((await getJson(api(`/transactions/${tx.id}/cost`))).body, { transactionId: tx.id, cost: null });
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(costUpdates, []);
        const active = (await getJson(api(`/transactions?stationId=${id}&status=active`))).body.items[0];
        const noTariff = await postJson(api(`/stations/${id}/commands/costUpdated`), { transactionId: active.id });
        assert.equal(noTariff.status, 409);
        assert.equal((await postJson(api(`/stations/${id}/commands/costUpdated`), { transactionId: 999999 })).status, 404);
        assert.equal((await postJson(api(`/stations/${id}/commands/costUpdated`), {})).status, 400);
      } finally {
        await cs.close({ force: true });
      }
    });
  });
}

describe('cost on OCPP 1.6 sessions', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-tokens'), { token: 'CARD-16' });
    await postJson(api('/tariffs'), { name: 'Depot', currency: 'GBP', pricePerKwh: 0.25, sessionFee: 1 });
  });
  after(() => server.stop());

  it('are computed and kept too (1.6 has no totalCost or CostUpdated to send)', async () => {
    const cp = await strictStation(server, 'COST-16', '1.6');
    try {
      const start: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-16', meterStart: 1000, timestamp: new Date().toISOString() });
      assert.equal((await postJson(api('/stations/COST-16/commands/costUpdated'), { transactionId: start.transactionId })).status, 422);
      await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 9000, timestamp: new Date().toISOString(), reason: 'Local' });
      const cost = await eventually(async () => (await getJson(api(`/transactions/${start.transactionId}/cost`))).body.cost, 3000, 'the final cost');
      assert.deepEqual([cost.final, cost.energyWh, cost.totalCost, cost.currency], [true, 8000, 3, 'GBP']);
    } finally {
      await cp.close({ force: true });
    }
  });
});
