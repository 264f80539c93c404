import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson, withDefaultHeaders } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

const iso = (msAgo = 0) => new Date(Date.now() - msAgo).toISOString();
const patch = (url: string, body: unknown) => fetch(url, withDefaultHeaders(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('OCPP 1.6 transactions (strict ocpp-rpc station)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-token-groups'), { id: 'FLEET-1' });
    await postJson(api('/id-tokens'), { token: 'CARD-OK', label: 'Driver A', groupId: 'FLEET-1' });
    await postJson(api('/id-tokens'), { token: 'CARD-BLOCKED', status: 'blocked' });
    await postJson(api('/id-tokens'), { token: 'CARD-OLD', expiresAt: '2020-01-01T00:00:00Z' });
  });
  after(() => server.stop());

  it('plays a full session: boot → status → authorize → start → meter values → stop, stored exactly', async () => {
    const cp = await strictStation(server, 'TX-FULL', '1.6');
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    const auth: any = await cp.call('Authorize', { idTag: 'card-ok' });
    assert.deepEqual(auth.idTagInfo, { status: 'Accepted', parentIdTag: 'FLEET-1' });

    const t0 = Date.parse('2026-06-01T20:00:00Z');
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    const start: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 120_000, timestamp: at(0) });
    assert.equal(start.idTagInfo.status, 'Accepted');
    assert.ok(Number.isInteger(start.transactionId) && start.transactionId > 0);
    const txId = start.transactionId;
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });

    await cp.call('MeterValues', {
      connectorId: 1,
      transactionId: txId,
      meterValue: [
        {
          timestamp: at(10),
          sampledValue: [
            { value: '121.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh', context: 'Sample.Periodic' },
            { value: '11', measurand: 'Power.Active.Import', unit: 'kW' },
            { value: '16.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
            { value: '231', measurand: 'Voltage', phase: 'L1', unit: 'V' },
            { value: '42', measurand: 'SoC', location: 'EV', unit: 'Percent' },
          ],
        },
      ],
    });
    let tx = (await getJson(api(`/transactions/${txId}`))).body;
    assert.equal(tx.status, 'active');
    assert.equal(tx.lastMeterWh, 121_500);
    assert.equal(tx.lastPowerW, 11_000);

    const stop: any = await cp.call('StopTransaction', {
      transactionId: txId,
      meterStop: 130_000,
      timestamp: at(60),
      reason: 'Local',
      idTag: 'CARD-OK',
      transactionData: [{ timestamp: at(60), sampledValue: [{ value: '130000', measurand: 'Energy.Active.Import.Register', context: 'Transaction.End' }] }],
    });
    assert.equal(stop.idTagInfo.status, 'Accepted');
    tx = (await getJson(api(`/transactions/${txId}`))).body;
    assert.deepEqual(
      { status: tx.status, stationId: tx.stationId, evseId: tx.evseId, idToken: tx.idToken, groupId: tx.groupId, startedAt: tx.startedAt, endedAt: tx.endedAt, meterStartWh: tx.meterStartWh, meterStopWh: tx.meterStopWh, energyWh: tx.energyWh, stopReason: tx.stopReason, endedBy: tx.endedBy, offline: tx.offline },
      { status: 'ended', stationId: 'TX-FULL', evseId: 1, idToken: 'CARD-OK', groupId: 'FLEET-1', startedAt: at(0), endedAt: at(60), meterStartWh: 120_000, meterStopWh: 130_000, energyWh: 10_000, stopReason: 'Local', endedBy: 'station', offline: true },
    );
    const series = (await getJson(api(`/transactions/${txId}/meter-values`))).body.items;
    assert.deepEqual(
      series.map((s: any) => [s.timestamp, s.measurand, s.phase, s.unit, s.value, s.rawValue, s.rawUnit]),
      [
        [at(10), 'Energy.Active.Import.Register', null, 'Wh', 121_500, '121.5', 'kWh'],
        [at(10), 'Power.Active.Import', null, 'W', 11_000, '11', 'kW'],
        [at(10), 'Current.Import', 'L1', 'A', 16.1, '16.1', 'A'],
        [at(10), 'Voltage', 'L1-N', 'V', 231, '231', 'V'],
        [at(10), 'SoC', null, 'Percent', 42, '42', 'Percent'],
        [at(60), 'Energy.Active.Import.Register', null, 'Wh', 130_000, '130000', null],
      ],
    );
    const listed = (await getJson(api('/transactions?stationId=TX-FULL'))).body;
    assert.equal(listed.total, 1);
    await cp.close();
  });

  it('answers Authorize and StartTransaction from the token store: unknown → Invalid, blocked, expired', async () => {
    const cp = await strictStation(server, 'TX-AUTH', '1.6');
    const status = async (idTag: string) => ((await cp.call('Authorize', { idTag })) as any).idTagInfo.status;
    assert.equal(await status('NOBODY'), 'Invalid');
    assert.equal(await status('CARD-BLOCKED'), 'Blocked');
    assert.equal(await status('CARD-OLD'), 'Expired');
    const start: any = await cp.call('StartTransaction', { connectorId: 2, idTag: 'NOBODY', meterStart: 0, timestamp: iso() });
    assert.equal(start.idTagInfo.status, 'Invalid');
    assert.ok(start.transactionId > 0, 'a transactionId is always given, as chargers require it');
    assert.equal((await getJson(api(`/transactions/${start.transactionId}`))).body.authStatus, 'unknown');
    await cp.close();
  });

  it('is idempotent: a repeated StartTransaction gets the same id; repeated and unknown StopTransactions are accepted', async () => {
    const cp = await strictStation(server, 'TX-DUP', '1.6');
    const startPayload = { connectorId: 1, idTag: 'CARD-OK', meterStart: 500, timestamp: iso(1000) };
    const first: any = await cp.call('StartTransaction', startPayload);
    await cp.close();
    const again = await strictStation(server, 'TX-DUP', '1.6', { boot: false });
    const second: any = await again.call('StartTransaction', startPayload);
    assert.equal(second.transactionId, first.transactionId);
    assert.equal((await getJson(api('/transactions?stationId=TX-DUP'))).body.total, 1);

    const stop = { transactionId: first.transactionId, meterStop: 1500, timestamp: iso(), reason: 'EVDisconnected' };
    await again.call('StopTransaction', stop);
    const ended = (await getJson(api(`/transactions/${first.transactionId}`))).body;
    assert.deepEqual(await again.call('StopTransaction', { ...stop, meterStop: 9999 }), {});
    const unchanged = (await getJson(api(`/transactions/${first.transactionId}`))).body;
    assert.equal(unchanged.meterStopWh, 1500);
    assert.equal(unchanged.updatedAt, ended.updatedAt);

    assert.deepEqual(await again.call('StopTransaction', { transactionId: 987654, meterStop: 10, timestamp: iso() }), {});
    const orphan = (await getJson(api('/transactions?stationId=TX-DUP&status=ended'))).body.items.find((t: any) => t.stationTxId === 'unknown-987654');
    assert.equal(orphan.endedBy, 'station-unknown');
    const warnings = (await getJson(api('/stations/TX-DUP/warnings'))).body.items;
    assert.ok(warnings.some((w: any) => w.kind === 'unknown-transaction'));
    await again.close();
  });

  it('closes a session left open by a reboot, and lets the late offline StopTransaction correct it', async () => {
    const cp = await strictStation(server, 'TX-REBOOT', '1.6');
    const startedAt = iso(2 * 3600_000);
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 1000, timestamp: startedAt });
    await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(3600_000), sampledValue: [{ value: '4000' }] }] });
    await cp.call('BootNotification', { chargePointVendor: 'Strict', chargePointModel: 'Peer' });
    let tx = (await getJson(api(`/transactions/${transactionId}`))).body;
    assert.equal(tx.status, 'ended');
    assert.equal(tx.endedBy, 'reconciled-boot');
    assert.equal(tx.energyWh, 3000, 'energy up to the last reading');

    const stoppedAt = iso(3000_000);
    await cp.call('StopTransaction', { transactionId, meterStop: 5000, timestamp: stoppedAt, reason: 'PowerLoss' });
    tx = (await getJson(api(`/transactions/${transactionId}`))).body;
    assert.deepEqual([tx.endedBy, tx.stopReason, tx.endedAt, tx.energyWh, tx.startedAt], ['station', 'PowerLoss', stoppedAt, 4000, startedAt]);
    await cp.close();
  });

  it('closes a session when the connector reports Available without a stop, and supersedes a stale one on a new start', async () => {
    const cp = await strictStation(server, 'TX-AVAIL', '1.6');
    const a: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 0, timestamp: iso(60_000) });
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    assert.equal((await getJson(api(`/transactions/${a.transactionId}`))).body.endedBy, 'reconciled-status');
    const b: any = await cp.call('StartTransaction', { connectorId: 2, idTag: 'CARD-OK', meterStart: 0, timestamp: iso(50_000) });
    const c: any = await cp.call('StartTransaction', { connectorId: 2, idTag: 'CARD-OK', meterStart: 10, timestamp: iso(40_000) });
    assert.notEqual(b.transactionId, c.transactionId);
    assert.equal((await getJson(api(`/transactions/${b.transactionId}`))).body.endedBy, 'superseded');
    assert.equal((await getJson(api(`/transactions/${c.transactionId}`))).body.status, 'active');
    await cp.close();
  });

  it('stores late, offline-queued messages at their own timestamps, and clock-aligned values without a transaction id', async () => {
    const cp = await strictStation(server, 'TX-OFFLINE', '1.6');
    const old = iso(6 * 3600_000);
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 0, timestamp: old });
    await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(5 * 3600_000), sampledValue: [{ value: '7000', unit: 'Wh' }] }] });
    // Clock-aligned, no transactionId: belongs to the session running on the connector.
    await cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: iso(4 * 3600_000), sampledValue: [{ value: '9000', context: 'Sample.Clock' }] }] });
    // No session on connector 2: kept as station data.
    await cp.call('MeterValues', { connectorId: 2, meterValue: [{ timestamp: iso(4 * 3600_000), sampledValue: [{ value: '230.5', measurand: 'Voltage', phase: 'L2' }] }] });
    const tx = (await getJson(api(`/transactions/${transactionId}`))).body;
    assert.equal(tx.startedAt, old);
    assert.equal(tx.offline, true);
    assert.equal(tx.lastMeterWh, 9000);
    assert.equal((await getJson(api(`/transactions/${transactionId}/meter-values`))).body.items.length, 2);
    const station = (await getJson(api('/stations/TX-OFFLINE/meter-values?evseId=2'))).body.items;
    assert.deepEqual(station.map((s: any) => [s.measurand, s.phase, s.value, s.transactionId]), [['Voltage', 'L2-N', 230.5, null]]);
    await cp.close();
  });

  it('stores a re-sent MeterValues once (a charger re-sends what it never saw answered)', async () => {
    const cp = await strictStation(server, 'TX-RESEND', '1.6');
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 0, timestamp: iso(5000) });
    const values = { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(4000), sampledValue: [{ value: '100' }, { value: '7.5', measurand: 'Current.Import', phase: 'L1' }] }] };
    await cp.call('MeterValues', values);
    await cp.call('MeterValues', values);
    assert.equal((await getJson(api(`/transactions/${transactionId}/meter-values`))).body.items.length, 2);
    await cp.close();
  });

  it('computes energy across a meter register that drops to 0 and comes back, and keeps signed values raw', async () => {
    const cp = await strictStation(server, 'TX-RESET', '1.6');
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 5000, timestamp: iso(4000) });
    const mv = (msAgo: number, value: string, extra = {}) => cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(msAgo), sampledValue: [{ value, ...extra }] }] });
    await mv(3000, '6000');
    await mv(2000, '0');
    await mv(1000, '500');
    const ocmf = 'OCMF|{"FV":"1.0","RD":[{"RV":"0.5","RU":"kWh"}]}|{"SD":"3045"}';
    await mv(900, ocmf, { format: 'SignedData', context: 'Sample.Periodic' });
    await cp.call('StopTransaction', { transactionId, meterStop: 800, timestamp: iso() });
    const tx = (await getJson(api(`/transactions/${transactionId}`))).body;
    assert.equal(tx.energyWh, 1000 + 500 + 300);
    const signed = (await getJson(api(`/transactions/${transactionId}/meter-values`))).body.items.find((s: any) => s.signedData);
    assert.equal(signed.signedData, ocmf);
    assert.equal(signed.value, null);
    await cp.close();
  });

  it('finds a station whose registers are kWh labelled Wh, reads them as kWh, and says so', async () => {
    const cp = await strictStation(server, 'TX-KWH', '1.6');
    await patch(api('/stations/TX-KWH'), { quirks: { idTagSuffixSeparator: '_' } });
    // meterStart is Wh by the spec; the registers are the same meter in kWh, labelled Wh.
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 1_234_567, timestamp: iso(3000) });
    const mv = (msAgo: number, value: string) => cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: iso(msAgo), sampledValue: [{ value, unit: 'Wh' }, { value: '7400', measurand: 'Power.Active.Import', unit: 'W' }] }] });
    await mv(2000, '1234.6');
    await mv(1000, '1234.8');
    await cp.call('StopTransaction', { transactionId, meterStop: 1_234_900, timestamp: iso() });
    const tx = (await getJson(api(`/transactions/${transactionId}`))).body;
    assert.equal(tx.energyWh, 333, 'from meterStart through 1,234,600 and 1,234,800 to meterStop, all in Wh');
    const series = (await getJson(api(`/transactions/${transactionId}/meter-values`))).body.items;
    assert.deepEqual(series.map((m: any) => [m.measurand, m.value, m.rawValue, m.rawUnit]), [
      ['Energy.Active.Import.Register', 1_234_600, '1234.6', 'Wh'], ['Power.Active.Import', 7400, '7400', 'W'],
      ['Energy.Active.Import.Register', 1_234_800, '1234.8', 'Wh'], ['Power.Active.Import', 7400, '7400', 'W'],
    ]);
    const station = (await getJson(api('/stations/TX-KWH'))).body;
    assert.deepEqual(station.quirks, { idTagSuffixSeparator: '_', energyRegisterUnit: 'kWh' }, 'kept beside the quirks it had');
    const warnings = (await getJson(api('/stations/TX-KWH/warnings'))).body.items;
    assert.ok(warnings.some((w: any) => w.kind === 'register-unit' && /1234\.6 "Wh" beside meterStart 1234567 Wh/.test(w.message)), JSON.stringify(warnings));

    // The next session, and values without a session, are read as kWh from the start; a station with Wh registers is left alone.
    const next: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 5_000, timestamp: iso() });
    await cp.call('MeterValues', { connectorId: 1, transactionId: next.transactionId, meterValue: [{ timestamp: iso(), sampledValue: [{ value: '5.25' }] }] });
    assert.equal((await getJson(api(`/transactions/${next.transactionId}`))).body.lastMeterWh, 5250);
    const plain = await strictStation(server, 'TX-WH', '1.6');
    const wh: any = await plain.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK', meterStart: 1_234_567, timestamp: iso() });
    await plain.call('MeterValues', { connectorId: 1, transactionId: wh.transactionId, meterValue: [{ timestamp: iso(), sampledValue: [{ value: '1234600', unit: 'Wh' }] }] });
    assert.equal((await getJson(api(`/transactions/${wh.transactionId}`))).body.lastMeterWh, 1_234_600);
    assert.deepEqual((await getJson(api('/stations/TX-WH'))).body.quirks, {});
    await cp.close();
    await plain.close();
  });

  it('free vend accepts and records any token; the id-tag suffix quirk finds the base token', async () => {
    const cp = await strictStation(server, 'TX-VEND', '1.6');
    assert.equal(((await cp.call('Authorize', { idTag: 'WALKUP-1' })) as any).idTagInfo.status, 'Invalid');
    await patch(api('/settings'), { freeVend: true });
    assert.equal(((await cp.call('Authorize', { idTag: 'WALKUP-1' })) as any).idTagInfo.status, 'Accepted');
    assert.equal((await getJson(api('/id-tokens/WALKUP-1'))).body.source, 'free-vend');
    await patch(api('/settings'), { freeVend: false });

    assert.equal(((await cp.call('Authorize', { idTag: 'CARD-OK_8812' })) as any).idTagInfo.status, 'Invalid');
    assert.equal((await patch(api('/stations/TX-VEND'), { quirks: { idTagSuffixSeparator: '_' } })).status, 200);
    assert.equal(((await cp.call('Authorize', { idTag: 'CARD-OK_8812' })) as any).idTagInfo.status, 'Accepted');
    const { transactionId }: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-OK_8812', meterStart: 0, timestamp: iso() });
    assert.equal((await getJson(api(`/transactions/${transactionId}`))).body.idToken, 'CARD-OK');
    await cp.close();
  });
});
