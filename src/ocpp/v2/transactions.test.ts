import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

const t0 = Date.parse('2026-09-01T18:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
const energy = (wh: number, context = 'Sample.Periodic', multiplier?: number) => ({
  value: multiplier ? wh / 10 ** multiplier : wh,
  context,
  measurand: 'Energy.Active.Import.Register',
  ...(multiplier ? { unitOfMeasure: { unit: 'Wh', multiplier } } : {}),
});

for (const version of ['2.0.1', '2.1'] as const) {
  describe(`OCPP ${version} transactions (strict ocpp-rpc station)`, () => {
    let server: TestServer;
    const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
    before(async () => {
      server = await startTestServer();
      await postJson(api('/id-token-groups'), { id: 'DEPOT' });
      await postJson(api('/id-tokens'), { token: 'RFID-201', groupId: 'DEPOT' });
    });
    after(() => server.stop());

    it('stores a session Started → Updated×N → Ended exactly, in the same shape as a 1.6 session', async () => {
      const cs = await strictStation(server, `V2-FULL-${version}`, version);
      const auth: any = await cs.call('Authorize', { idToken: { idToken: 'rfid-201', type: 'ISO14443' } });
      assert.deepEqual(auth.idTokenInfo, { status: 'Accepted', groupIdToken: { idToken: 'DEPOT', type: 'Central' } });
      const txId = 'b3f0c2c8-5a34-4b37-9a5f-2f7f0c7f1e11';
      const event = (eventType: string, seqNo: number, minutes: number, extra: Record<string, unknown> = {}) =>
        cs.call('TransactionEvent', { eventType, timestamp: at(minutes), triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId: txId, ...((extra['info'] as object) ?? {}) }, ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'info')) });

      const started: any = await event('Started', 0, 0, {
        idToken: { idToken: 'RFID-201', type: 'ISO14443' },
        evse: { id: 2, connectorId: 1 },
        info: { chargingState: 'Charging' },
        meterValue: [{ timestamp: at(0), sampledValue: [energy(50_000, 'Transaction.Begin')] }],
      });
      assert.equal(started.idTokenInfo.status, 'Accepted');
      await event('Updated', 1, 15, { meterValue: [{ timestamp: at(15), sampledValue: [energy(53_000, 'Sample.Periodic', 3), { value: 11.5, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } }] }] });
      await event('Updated', 2, 30, { info: { chargingState: 'SuspendedEV' }, meterValue: [{ timestamp: at(30), sampledValue: [energy(56_000)] }] });
      let tx = (await getJson(api(`/transactions?stationId=V2-FULL-${version}`))).body.items[0];
      assert.deepEqual([tx.status, tx.chargingState, tx.lastMeterWh, tx.seqNo], ['active', 'SuspendedEV', 56_000, 2]);

      await event('Ended', 3, 45, { info: { stoppedReason: 'EVDisconnected' }, meterValue: [{ timestamp: at(45), sampledValue: [energy(57_500, 'Transaction.End')] }] });
      tx = (await getJson(api(`/transactions/${tx.id}`))).body;
      assert.deepEqual(
        { stationTxId: tx.stationTxId, evseId: tx.evseId, connectorId: tx.connectorId, idToken: tx.idToken, idTokenType: tx.idTokenType, groupId: tx.groupId, status: tx.status, startedAt: tx.startedAt, endedAt: tx.endedAt, meterStartWh: tx.meterStartWh, meterStopWh: tx.meterStopWh, energyWh: tx.energyWh, stopReason: tx.stopReason, endedBy: tx.endedBy },
        { stationTxId: txId, evseId: 2, connectorId: 1, idToken: 'RFID-201', idTokenType: 'ISO14443', groupId: 'DEPOT', status: 'ended', startedAt: at(0), endedAt: at(45), meterStartWh: 50_000, meterStopWh: 57_500, energyWh: 7_500, stopReason: 'EVDisconnected', endedBy: 'station' },
      );
      // The same keys as a 1.6 transaction: one API shape for every version.
      const shape16 = ['id', 'stationId', 'evseId', 'connectorId', 'stationTxId', 'idToken', 'status', 'startedAt', 'endedAt', 'meterStartWh', 'meterStopWh', 'energyWh', 'stopReason'];
      for (const key of shape16) assert.ok(key in tx, key);
      const series = (await getJson(api(`/transactions/${tx.id}/meter-values`))).body.items;
      assert.deepEqual(series.map((s: any) => [s.measurand, s.unit, s.value]), [
        ['Energy.Active.Import.Register', 'Wh', 50_000],
        ['Energy.Active.Import.Register', 'Wh', 53_000],
        ['Power.Active.Import', 'W', 11_500],
        ['Energy.Active.Import.Register', 'Wh', 56_000],
        ['Energy.Active.Import.Register', 'Wh', 57_500],
      ]);
      // A repeated Ended changes nothing.
      await event('Ended', 3, 50, { info: { stoppedReason: 'Local' } });
      assert.equal((await getJson(api(`/transactions/${tx.id}`))).body.endedAt, at(45));
      await cs.close();
    });

    it('reads a station’s Wh-labelled registers as kWh once its quirk says so; readings it scaled itself stay', async () => {
      const id = `V2-KWH-${version}`;
      const cs = await strictStation(server, id, version);
      const set = await server.api(`/stations/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks: { energyRegisterUnit: 'kWh' } }) });
      assert.equal(set.status, 200, await set.text());
      const base = { timestamp: at(0), triggerReason: 'Authorized', transactionInfo: { transactionId: 'KWH-1' }, evse: { id: 1, connectorId: 1 } };
      await cs.call('TransactionEvent', { ...base, eventType: 'Started', seqNo: 0, idToken: { idToken: 'RFID-201', type: 'ISO14443' }, meterValue: [{ timestamp: at(0), sampledValue: [{ value: 12.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }] });
      await cs.call('TransactionEvent', { ...base, eventType: 'Ended', seqNo: 1, timestamp: at(30), triggerReason: 'EVDeparted', meterValue: [{ timestamp: at(30), sampledValue: [energy(20_000, 'Transaction.End', 3)] }] });
      const tx = (await getJson(api(`/transactions?stationId=${id}`))).body.items[0];
      assert.deepEqual([tx.meterStartWh, tx.meterStopWh, tx.energyWh], [12_500, 20_000, 7_500]);
      await cs.close();
    });

    it('asks for the transaction status when seqNo has a gap, accepts seqNo restarting at 0, and a session first seen at its end', async () => {
      const cs = await strictStation(server, `V2-SEQ-${version}`, version);
      const asked: any[] = [];
      cs.handle('GetTransactionStatus', async ({ params }: any) => {
        asked.push(params);
        return { messagesInQueue: false, ongoingIndicator: true };
      });
      const ev = (transactionId: string, eventType: string, seqNo: number, extra = {}) =>
        cs.call('TransactionEvent', { eventType, timestamp: new Date().toISOString(), triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId }, evse: { id: 1 }, ...extra });
      await ev('T-GAP', 'Started', 0);
      await ev('T-GAP', 'Updated', 1);
      await ev('T-GAP', 'Updated', 4);
      const deadline = Date.now() + 2000;
      while (asked.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(asked, [{ transactionId: 'T-GAP' }]);
      await ev('T-GAP', 'Updated', 0);
      const tx = (await getJson(api(`/transactions?stationId=V2-SEQ-${version}`))).body.items[0];
      assert.equal(tx.seqNo, 0);

      await ev('T-LATE', 'Ended', 7, { offline: true, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [energy(1000, 'Transaction.End')] }] });
      const late = (await getJson(api(`/transactions?stationId=V2-SEQ-${version}&status=ended`))).body.items.find((t: any) => t.stationTxId === 'T-LATE');
      assert.equal(late.offline, true);
      assert.equal(late.endedBy, 'station');
      await cs.close({ force: true });
    });

    it('a session started without a token (cable first) takes the token authorised later; unknown tokens get Unknown', async () => {
      const cs = await strictStation(server, `V2-CABLE-${version}`, version);
      const base = { timestamp: new Date().toISOString(), transactionInfo: { transactionId: 'T-CABLE' }, evse: { id: 1, connectorId: 1 } };
      await cs.call('TransactionEvent', { ...base, eventType: 'Started', triggerReason: 'CablePluggedIn', seqNo: 0 });
      const answer: any = await cs.call('TransactionEvent', { ...base, eventType: 'Updated', triggerReason: 'Authorized', seqNo: 1, idToken: { idToken: 'RFID-201', type: 'ISO14443' } });
      assert.equal(answer.idTokenInfo.status, 'Accepted');
      const tx = (await getJson(api(`/transactions?stationId=V2-CABLE-${version}`))).body.items[0];
      assert.equal(tx.idToken, 'RFID-201');
      const unknown: any = await cs.call('Authorize', { idToken: { idToken: 'NOPE', type: 'ISO14443' } });
      assert.equal(unknown.idTokenInfo.status, 'Unknown');
      const free: any = await cs.call('Authorize', { idToken: { idToken: '', type: 'NoAuthorization' } });
      assert.equal(free.idTokenInfo.status, 'Accepted');
      await cs.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [energy(2500, 'Sample.Clock')] }] });
      assert.equal((await getJson(api(`/transactions/${tx.id}`))).body.lastMeterWh, 2500);
      await cs.close();
    });
  });
}
