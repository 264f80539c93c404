import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation, type StrictClient } from '../testing/strict-station.ts';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Records the reservation calls the station gets; ReserveNow is answered with the next queued status (Accepted by default). */
function reservingStation(cp: StrictClient) {
  const received: Array<{ action: string; params: any }> = [];
  const answers: string[] = [];
  const strictFailures: unknown[] = [];
  cp.on('strictValidationFailure', (e: unknown) => strictFailures.push(e));
  cp.handle('ReserveNow', async ({ params }) => {
    received.push({ action: 'ReserveNow', params });
    return { status: answers.shift() ?? 'Accepted' };
  });
  cp.handle('CancelReservation', async ({ params }) => {
    received.push({ action: 'CancelReservation', params });
    return { status: 'Accepted' };
  });
  return { received, answers, strictFailures };
}

describe('reservations (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);

  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-token-groups'), { id: 'FLEET-R' });
    await postJson(api('/id-tokens'), { token: 'CARD-R', groupId: 'FLEET-R' });
  });
  after(() => server.stop());

  it('1.6: accepted, then StartTransaction with its reservationId marks it used and links the transaction', async () => {
    const cp = await strictStation(server, 'RES-16', '1.6');
    const station = reservingStation(cp);
    try {
      const expiresAt = inMs(3_600_000);
      const reserved = await command('RES-16', 'reserveNow', { evseId: 1, idToken: 'card-r', expiresAt });
      assert.equal(reserved.status, 200, JSON.stringify(reserved.body));
      assert.equal(reserved.body.status, 'accepted');
      const reservation = reserved.body.result.reservation;
      assert.deepEqual(station.received[0], {
        action: 'ReserveNow',
        params: { connectorId: 1, expiryDate: expiresAt, idTag: 'CARD-R', reservationId: reservation.id, parentIdTag: 'FLEET-R' },
      });
      assert.deepEqual(
        [reservation.stationId, reservation.evseId, reservation.idToken, reservation.groupId, reservation.status, reservation.transactionId],
        ['RES-16', 1, 'CARD-R', 'FLEET-R', 'accepted', null],
      );

      const start: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CARD-R', meterStart: 0, timestamp: new Date().toISOString(), reservationId: reservation.id });
      const used = await eventually(async () => {
        const r = (await getJson(api(`/reservations/${reservation.id}`))).body;
        return r.status === 'used' && r;
      }, 3000, 'reservation used');
      assert.equal(used.transactionId, start.transactionId);
      assert.equal((await getJson(api(`/transactions/${start.transactionId}`))).body.reservationId, reservation.id);

      const listed = (await getJson(api('/reservations?stationId=RES-16&status=used'))).body;
      assert.deepEqual(listed.items.map((r: any) => r.id), [reservation.id]);
      assert.equal(listed.total, 1);
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('1.6: an accepted reservation expires at its time; one on any EVSE (connector 0) can be cancelled once', async () => {
    const cp = await strictStation(server, 'RES-EXP', '1.6');
    const station = reservingStation(cp);
    try {
      const soon = (await command('RES-EXP', 'reserveNow', { evseId: 2, idToken: 'CARD-X', expiresAt: inMs(400) })).body.result.reservation;
      assert.equal(soon.status, 'accepted');
      assert.equal(soon.groupId, null);
      assert.equal(station.received[0]!.params.parentIdTag, undefined);
      await eventually(async () => (await getJson(api(`/reservations/${soon.id}`))).body.status === 'expired', 3000, 'reservation expired');

      const any = (await command('RES-EXP', 'reserveNow', { idToken: 'CARD-R', expiresAt: inMs(3_600_000) })).body.result.reservation;
      assert.equal(station.received[1]!.params.connectorId, 0);
      assert.equal(any.evseId, 0);
      const cancelled = await command('RES-EXP', 'cancelReservation', { reservationId: any.id });
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.result.reservation.status, 'cancelled');
      assert.deepEqual(station.received[2], { action: 'CancelReservation', params: { reservationId: any.id } });

      const again = await command('RES-EXP', 'cancelReservation', { reservationId: any.id });
      assert.equal(again.status, 409);
      assert.equal((await command('RES-EXP', 'cancelReservation', { reservationId: 999_999 })).status, 404);
      // An expired reservation cannot be cancelled either, and another station's cannot be named.
      assert.equal((await command('RES-EXP', 'cancelReservation', { reservationId: soon.id })).status, 409);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('1.6: Rejected, Occupied, Faulted and Unavailable answers are recorded as such', async () => {
    const cp = await strictStation(server, 'RES-NO', '1.6');
    const station = reservingStation(cp);
    try {
      for (const answer of ['Rejected', 'Occupied', 'Faulted', 'Unavailable']) {
        station.answers.push(answer);
        const outcome = await command('RES-NO', 'reserveNow', { evseId: 1, idToken: 'CARD-R', expiresAt: inMs(60_000) });
        assert.equal(outcome.status, 200);
        assert.equal(outcome.body.status, answer.toLowerCase());
        assert.equal((await getJson(api(`/reservations/${outcome.body.result.reservation.id}`))).body.status, answer.toLowerCase());
      }
      const rejected = (await getJson(api('/reservations?stationId=RES-NO&status=rejected'))).body;
      assert.equal(rejected.total, 1);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('error paths: bad params 400 by field, past expiry 400, connectorType on 1.6 422, offline 409, unknown ids 404', async () => {
    const cp = await strictStation(server, 'RES-ERR', '1.6');
    const station = reservingStation(cp);
    try {
      const bad = await command('RES-ERR', 'reserveNow', { evseId: -1, expiresAt: 'tomorrow' });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), ['evseId', 'expiresAt', 'idToken']);
      const past = await command('RES-ERR', 'reserveNow', { idToken: 'CARD-R', expiresAt: inMs(-1000) });
      assert.equal(past.status, 400);
      assert.deepEqual(past.body.error.details.fields, [{ field: 'expiresAt', message: 'must be in the future' }]);
      const typed = await command('RES-ERR', 'reserveNow', { idToken: 'CARD-R', expiresAt: inMs(60_000), connectorType: 'cType2' });
      assert.equal(typed.status, 422);
      assert.equal(station.received.length, 0);
      assert.equal((await getJson(api('/reservations?stationId=RES-ERR'))).body.total, 0, 'nothing stored for refused requests');
    } finally {
      await cp.close({ code: 1000 });
    }
    const offline = await command('RES-ERR', 'reserveNow', { idToken: 'CARD-R', expiresAt: inMs(60_000) });
    assert.equal(offline.status, 409);
    assert.equal((await getJson(api('/reservations/424242'))).status, 404);
    assert.equal((await getJson(api('/reservations/abc'))).status, 404);
    assert.equal((await getJson(api('/reservations?status=maybe'))).status, 400);
  });

  it('2.0.1: ReserveNow with idToken, connector type and group; ReservationStatusUpdate expires or removes it', async () => {
    const cs = await strictStation(server, 'RES-201', '2.0.1');
    const station = reservingStation(cs);
    try {
      const expiresAt = inMs(3_600_000);
      const first = (await command('RES-201', 'reserveNow', { idToken: 'CARD-R', expiresAt, connectorType: 'cCCS2' })).body.result.reservation;
      assert.deepEqual(station.received[0]!.params, {
        id: first.id,
        expiryDateTime: expiresAt,
        idToken: { idToken: 'CARD-R', type: 'ISO14443' },
        connectorType: 'cCCS2',
        groupIdToken: { idToken: 'FLEET-R', type: 'Central' },
      });
      const second = (await command('RES-201', 'reserveNow', { evseId: 2, idToken: 'APP-USER-1', idTokenType: 'Central', expiresAt })).body.result.reservation;
      assert.deepEqual(station.received[1]!.params, { id: second.id, expiryDateTime: expiresAt, idToken: { idToken: 'APP-USER-1', type: 'Central' }, evseId: 2 });

      assert.deepEqual(await cs.call('ReservationStatusUpdate', { reservationId: first.id, reservationUpdateStatus: 'Expired' }), {});
      assert.deepEqual(await cs.call('ReservationStatusUpdate', { reservationId: second.id, reservationUpdateStatus: 'Removed' }), {});
      assert.deepEqual(await cs.call('ReservationStatusUpdate', { reservationId: 987_654, reservationUpdateStatus: 'Removed' }), {});
      assert.equal((await getJson(api(`/reservations/${first.id}`))).body.status, 'expired');
      assert.equal((await getJson(api(`/reservations/${second.id}`))).body.status, 'cancelled');
      const warnings = (await getJson(api('/stations/RES-201/warnings'))).body.items;
      assert.ok(warnings.some((w: any) => w.kind === 'unknown-reservation'));
      assert.deepEqual(station.strictFailures, []);
    } finally {
      await cs.close({ code: 1000 });
    }
  });
});

describe('reservations across a timeout and a restart', () => {
  it('a request the station never answers is 504 and stays requested; it expires while Ampyard is down and is marked at start-up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-res-'));
    try {
      let server = await startTestServer({ dataDir, callTimeoutSeconds: 1 });
      const cp = await strictStation(server, 'RES-SLOW', '1.6');
      cp.handle('ReserveNow', async () => new Promise(() => undefined));
      const timedOut = await postJson(`${server.baseUrl}/api/v1/stations/RES-SLOW/commands/reserveNow`, { idToken: 'CARD-S', expiresAt: inMs(2500) });
      assert.equal(timedOut.status, 504);
      const [pending] = (await getJson(`${server.baseUrl}/api/v1/reservations?stationId=RES-SLOW`)).body.items;
      assert.equal(pending.status, 'requested');
      await cp.close({ code: 1000, force: true });
      await server.stop();

      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(pending.expiresAt) - Date.now() + 50)));
      server = await startTestServer({ dataDir });
      try {
        await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/reservations/${pending.id}`)).body.status === 'expired', 2000, 'expired at start-up');
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
