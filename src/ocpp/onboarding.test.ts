import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { RawClient, eventually, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC22', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.2.3' };
const boot201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150', serialNumber: 'SN-2', firmwareVersion: '4.5', modem: { iccid: '8901', imsi: '2620' } } };

describe('station onboarding over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bootRetrySeconds: 7, heartbeatIntervalSeconds: 120 });
  });
  after(() => server.stop());

  it('holds an unknown 1.6 station Pending, lists it for approval, and accepts it after approval via a triggered boot', async () => {
    const cp = await RawClient.connect(server.wsUrl('CP-PEND-16'), 'ocpp1.6');
    const [, , boot] = await cp.call('BootNotification', boot16);
    assert.equal((boot as any).status, 'Pending');
    assert.equal((boot as any).interval, 7);
    assert.ok(!Number.isNaN(Date.parse((boot as any).currentTime)));

    // 1.6 chargers keep sending status and heartbeats while Pending; recorded, not refused.
    assert.equal((await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }))[0], 3);
    // Anything else while Pending is a SecurityError (it is not handled at all yet: NotSupported comes first).
    const pending = await getJson(`${server.baseUrl}/api/v1/stations?registration=pending`);
    assert.deepEqual(pending.body.items.map((s: any) => s.id), ['CP-PEND-16']);
    assert.equal(pending.body.items[0].vendor, 'Acme');
    assert.equal(pending.body.items[0].connected, true);

    const approved = await postJson(`${server.baseUrl}/api/v1/stations/CP-PEND-16/approve`);
    assert.equal(approved.status, 200);
    assert.equal(approved.body.registration, 'accepted');
    const trigger = await cp.answerNextCall({ status: 'Accepted' });
    assert.equal(trigger[2], 'TriggerMessage');
    assert.deepEqual(trigger[3], { requestedMessage: 'BootNotification' });
    const [, , again] = await cp.call('BootNotification', boot16);
    assert.equal((again as any).status, 'Accepted');
    assert.equal((again as any).interval, 120);
    await cp.close();
  });

  it('a 2.0.1 station in Pending may only boot: other CALLs get SecurityError', async () => {
    const cs = await RawClient.connect(server.wsUrl('CS-PEND-201'), 'ocpp2.0.1');
    const [, , boot] = await cs.call('BootNotification', boot201);
    assert.equal((boot as any).status, 'Pending');
    const hb = await cs.call('Heartbeat', {});
    assert.deepEqual(hb.slice(0, 3), [4, hb[1], 'SecurityError']);
    const station = await getJson(`${server.baseUrl}/api/v1/stations/CS-PEND-201`);
    assert.equal(station.body.ocppVersion, '2.0.1');
    assert.equal(station.body.iccid, '8901');
    await cs.close();
  });

  it('rejects a station the operator rejected', async () => {
    const cp = await RawClient.connect(server.wsUrl('CP-REJ'), 'ocpp1.6');
    assert.equal(((await cp.call('BootNotification', boot16))[2] as any).status, 'Pending');
    await postJson(`${server.baseUrl}/api/v1/stations/CP-REJ/reject`);
    assert.equal(((await cp.call('BootNotification', boot16))[2] as any).status, 'Rejected');
    await cp.close();
  });

  it('a pre-registered station is Accepted at once and its statuses land in the domain model (1.6 connector N = EVSE N)', async () => {
    assert.equal((await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-REG' })).status, 201);
    assert.equal((await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-REG' })).status, 200);
    const cp = await RawClient.connect(server.wsUrl('CP-REG'), 'ocpp1.6');
    assert.equal(((await cp.call('BootNotification', boot16))[2] as any).status, 'Accepted');
    await cp.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', vendorErrorCode: 'E42', timestamp: '2026-05-01T10:00:00' });
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    const hb = await cp.call('Heartbeat', {});
    assert.equal(hb[0], 3);
    const { body } = await getJson(`${server.baseUrl}/api/v1/stations/CP-REG`);
    assert.equal(body.status, 'available');
    assert.deepEqual(
      body.evses.map((e: any) => [e.evseId, e.connectors[0].connectorId, e.connectors[0].status, e.connectors[0].errorCode]),
      [[1, 1, 'charging', null], [2, 1, 'faulted', 'GroundFailure']],
    );
    assert.equal(body.evses[1].connectors[0].vendorErrorCode, 'E42');
    // A timestamp without a zone is read as UTC.
    assert.equal(body.evses[1].connectors[0].statusAt, '2026-05-01T10:00:00.000Z');
    await cp.close();
  });

  it('a 2.0.1 station reports per EVSE and connector', async () => {
    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CS-201' });
    const cs = await RawClient.connect(server.wsUrl('CS-201'), 'ocpp2.0.1');
    assert.equal(((await cs.call('BootNotification', boot201))[2] as any).status, 'Accepted');
    const ts = new Date().toISOString();
    await cs.call('StatusNotification', { timestamp: ts, connectorStatus: 'Occupied', evseId: 1, connectorId: 2 });
    const { body } = await getJson(`${server.baseUrl}/api/v1/stations/CS-201`);
    assert.deepEqual(body.evses, [{ evseId: 1, connectors: [{ connectorId: 2, status: 'occupied', errorCode: null, vendorErrorCode: null, info: null, statusAt: ts }] }]);

    // EVSE and connector ids out of range are refused and change nothing, wherever they sit in the message.
    const refused = async (action: string, payload: unknown) => {
      const answer = await cs.call(action, payload);
      assert.deepEqual(answer.slice(0, 3), [4, answer[1], 'PropertyConstraintViolation'], `${action} ${JSON.stringify(payload)}`);
    };
    await refused('StatusNotification', { timestamp: ts, connectorStatus: 'Available', evseId: -3, connectorId: 1 });
    await refused('StatusNotification', { timestamp: ts, connectorStatus: 'Available', evseId: 1, connectorId: 70000 });
    await refused('TransactionEvent', { eventType: 'Started', timestamp: ts, triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-BIG' }, evse: { id: 5000, connectorId: 1 } });
    assert.deepEqual((await getJson(`${server.baseUrl}/api/v1/stations/CS-201`)).body.evses, body.evses);
    assert.equal((await getJson(`${server.baseUrl}/api/v1/transactions?stationId=CS-201`)).body.total, 0);
    await cs.close();
  });

  it('refuses handshakes without a supported subprotocol or with a bad station id (HTTP 400), accepts any path prefix', async () => {
    await assert.rejects(RawClient.connect(server.wsUrl('CP-X'), []), (e: any) => e.status === 400 && /no supported OCPP subprotocol/.test(e.body));
    await assert.rejects(RawClient.connect(server.wsUrl('CP-X'), 'ocpp1.5'), (e: any) => e.status === 400);
    await assert.rejects(RawClient.connect(server.wsUrl('x'.repeat(49)), 'ocpp1.6'), (e: any) => e.status === 400 && /not a valid station id/.test(e.body));
    const nested = await RawClient.connect(`ws://127.0.0.1:${server.port}/steve/websocket/CentralSystemService/CP-PATH`, 'ocpp1.6');
    assert.equal(nested.socket.protocol, 'ocpp1.6');
    await nested.call('BootNotification', boot16);
    assert.equal((await getJson(`${server.baseUrl}/api/v1/stations/CP-PATH`)).status, 200);
    await nested.close();
    const offeredMany = await RawClient.connect(server.wsUrl('CP-MANY'), ['ocpp9', 'ocpp2.0.1', 'ocpp1.6']);
    assert.equal(offeredMany.socket.protocol, 'ocpp2.0.1');
    await offeredMany.close();
  });

  it('answers malformed frames with the right CALLERROR and leaves the connection and the stored station intact', async () => {
    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-BAD' });
    const cp = await RawClient.connect(server.wsUrl('CP-BAD'), 'ocpp1.6');
    await cp.call('BootNotification', boot16);
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const before = (await getJson(`${server.baseUrl}/api/v1/stations/CP-BAD`)).body;

    const expectError = async (text: string, id: string, code: string) => {
      cp.sendRaw(text);
      const frame = await cp.next();
      assert.deepEqual(frame.slice(0, 3), [4, id, code], `for ${text}`);
    };
    await expectError('not json at all', '-1', 'FormationViolation');
    await expectError('[2,"m1"]', 'm1', 'FormationViolation');
    await expectError('[2,"m2","Teleport",{}]', 'm2', 'NotImplemented');
    await expectError('[2,"m3","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Exploded"}]', 'm3', 'PropertyConstraintViolation');
    await expectError('[2,"m4","StatusNotification",{"connectorId":"one","errorCode":"NoError","status":"Charging"}]', 'm4', 'TypeConstraintViolation');
    await expectError('[2,"m5","StatusNotification",{"connectorId":1}]', 'm5', 'OccurenceConstraintViolation');
    await expectError('[2,"m6","RemoteStartTransaction",{"idTag":"X"}]', 'm6', 'NotSupported');
    // Schema-valid, but no connector: a negative id, and one in the billions (a firmware bug) would add EVSEs.
    await expectError('[2,"m7","StatusNotification",{"connectorId":-1,"errorCode":"NoError","status":"Available"}]', 'm7', 'PropertyConstraintViolation');
    await expectError('[2,"m8","StatusNotification",{"connectorId":2147483647,"errorCode":"NoError","status":"Available"}]', 'm8', 'PropertyConstraintViolation');
    await expectError('[2,"m9","MeterValues",{"connectorId":1001,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]}]}]', 'm9', 'PropertyConstraintViolation');
    cp.sendRaw(Buffer.from([1, 2, 3]), true);
    assert.deepEqual((await cp.next()).slice(0, 3), [4, '-1', 'FormationViolation']);

    assert.equal((await cp.call('Heartbeat', {}))[0], 3, 'connection still works');
    const afterwards = (await getJson(`${server.baseUrl}/api/v1/stations/CP-BAD`)).body;
    assert.deepEqual({ ...afterwards, lastSeen: null, updatedAt: null }, { ...before, lastSeen: null, updatedAt: null });
    const log = (await getJson(`${server.baseUrl}/api/v1/stations/CP-BAD/messages?limit=100`)).body.items;
    assert.ok(log.some((m: any) => m.messageType === 'INVALID' && m.payload === 'not json at all'), 'malformed frame is in the message log');
    assert.ok(log.some((m: any) => m.direction === 'out' && m.messageType === 'CALLERROR' && m.action === 'Teleport'));
    const warnings = (await getJson(`${server.baseUrl}/api/v1/stations/CP-BAD/warnings`)).body.items;
    assert.ok(warnings.some((w: any) => w.kind === 'invalid-evse-id' && /connectorId 2147483647/.test(w.message)), JSON.stringify(warnings));
    await cp.close();
  });

  it('a new connection for a connected station replaces the old one; the old socket closing does not mark it offline', async () => {
    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-DUP' });
    const first = await RawClient.connect(server.wsUrl('CP-DUP'), 'ocpp1.6');
    await first.call('BootNotification', boot16);
    const second = await RawClient.connect(server.wsUrl('CP-DUP'), 'ocpp1.6');
    const closed = await first.closed;
    assert.equal(closed.code, 1008);
    assert.equal((await second.call('Heartbeat', {}))[0], 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await getJson(`${server.baseUrl}/api/v1/stations/CP-DUP`)).body.connected, true);
    await second.close();
    await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/stations/CP-DUP`)).body.connected === false, 2000, 'disconnect');
  });

  it('serves the message log newest first with paging and validates its query', async () => {
    const page = await getJson(`${server.baseUrl}/api/v1/stations/CP-REG/messages?limit=2`);
    assert.equal(page.body.items.length, 2);
    assert.ok(page.body.items[0].id > page.body.items[1].id);
    const older = await getJson(`${server.baseUrl}/api/v1/stations/CP-REG/messages?limit=2&beforeId=${page.body.items[1].id}`);
    assert.ok(older.body.items[0].id < page.body.items[1].id);
    const bad = await getJson(`${server.baseUrl}/api/v1/stations/CP-REG/messages?limit=0`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation');
    assert.equal((await getJson(`${server.baseUrl}/api/v1/stations/NOPE`)).body.error.code, 'not_found');
  });
});

describe('keepalive and restart', () => {
  it('marks a half-open station (no pongs, no traffic) disconnected within the keepalive window', async () => {
    const server = await startTestServer({ keepaliveSeconds: 1, acceptUnknownStations: true });
    try {
      const cp = await RawClient.connect(server.wsUrl('CP-SILENT'), 'ocpp1.6');
      await cp.call('BootNotification', boot16);
      const started = Date.now();
      // Stop reading the socket: pings go unanswered, as with a charger that lost power.
      (cp.socket as any)._socket.pause();
      await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/stations/CP-SILENT`)).body.connected === false, 5000, 'half-open detection');
      assert.ok(Date.now() - started <= 3000, `detected after ${Date.now() - started} ms`);
      cp.socket.terminate();
    } finally {
      await server.stop();
    }
  });

  it('keeps stations and their connectors across a restart, and closes charger sockets with 1001 on shutdown', async () => {
    const first = await startTestServer({ acceptUnknownStations: true });
    const dataDir = first.dataDir;
    const cp = await RawClient.connect(first.wsUrl('CP-PERSIST'), 'ocpp1.6');
    await cp.call('BootNotification', boot16);
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    const stopping = first.appliance.close();
    assert.equal((await cp.closed).code, 1001);
    await stopping;
    const second = await startTestServer({ dataDir });
    try {
      const { body } = await getJson(`${second.baseUrl}/api/v1/stations/CP-PERSIST`);
      assert.equal(body.registration, 'accepted');
      assert.equal(body.connected, false);
      assert.equal(body.model, 'AC22');
      assert.equal(body.evses[0].connectors[0].status, 'preparing');
    } finally {
      await second.stop();
      // The first server's folder: its stop() was not called, and the second one's leaves it in place.
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
