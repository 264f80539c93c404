import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

/** Collects the calls a strict station receives; `answer` decides each reply. */
function record(cp: StrictClient, action: string, answer: (params: any) => unknown = () => ({})) {
  const calls: any[] = [];
  cp.handle(action, async ({ params }) => {
    calls.push(params);
    return answer(params) as Record<string, unknown>;
  });
  return calls;
}

function watchStrictness(cp: StrictClient): unknown[] {
  const failures: unknown[] = [];
  cp.on('strictValidationFailure', (e: unknown) => failures.push(e));
  return failures;
}

describe('OCPP 1.6 firmware management and log upload (strict ocpp-rpc station, real HTTP transfers)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
  const uploadFirmware = async (name: string, bytes: Uint8Array<ArrayBuffer>) => {
    const res = await server.api(`/firmware?name=${encodeURIComponent(name)}`, { method: 'POST', body: bytes });
    return { status: res.status, body: (await res.json()) as any };
  };

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 1, maxUploadBytes: 64 * 1024, maxFirmwareBytes: 512 * 1024 });
  });
  after(() => server.stop());

  it('firmware library: upload streams to disk with sha256; list, get, download (also ranges), delete', async () => {
    const image = randomBytes(300_000);
    const up = await uploadFirmware('ampyard fw 2.0.bin', image);
    assert.equal(up.status, 201);
    assert.equal(up.body.size, image.length);
    assert.equal(up.body.sha256, sha256(image));
    assert.equal(up.body.name, 'ampyard fw 2.0.bin');
    assert.match(up.body.downloadPath, /^\/files\/firmware\/[A-Za-z0-9_-]{24}\/ampyard%20fw%202\.0\.bin$/);

    assert.deepEqual((await getJson(api('/firmware'))).body.items.map((f: any) => f.id), [up.body.id]);
    assert.equal((await getJson(api(`/firmware/${up.body.id}`))).body.sha256, sha256(image));

    const download = await fetch(server.baseUrl + up.body.downloadPath);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-length'), String(image.length));
    assert.equal(sha256(await bytesOf(download)), sha256(image));
    const partial = await fetch(server.baseUrl + up.body.downloadPath, { headers: { range: 'bytes=1000-1999' } });
    assert.equal(partial.status, 206);
    assert.equal(partial.headers.get('content-range'), `bytes 1000-1999/${image.length}`);
    assert.deepEqual(await bytesOf(partial), new Uint8Array(image.subarray(1000, 2000)));
    const head = await fetch(server.baseUrl + up.body.downloadPath, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(image.length));
    assert.equal((await fetch(server.baseUrl + up.body.downloadPath, { headers: { range: `bytes=${image.length}-` } })).status, 416);

    // A guessed token, a missing name, an empty body, an over-size image.
    assert.equal((await fetch(`${server.baseUrl}/files/firmware/AAAAAAAAAAAAAAAAAAAAAAAA/x.bin`)).status, 404);
    const noName = await server.api('/firmware', { method: 'POST', body: image.subarray(0, 10) });
    assert.equal(noName.status, 400);
    assert.equal(((await noName.json()) as any).error.details.fields[0].field, 'name');
    assert.equal((await uploadFirmware('empty.bin', new Uint8Array())).status, 400);
    const tooBig = await uploadFirmware('big.bin', randomBytes(600 * 1024));
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'too_large');
    assert.equal((await getJson(api('/firmware'))).body.items.length, 1);

    const removed = await server.api(`/firmware/${up.body.id}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.equal((await getJson(api(`/firmware/${up.body.id}`))).status, 404);
    assert.equal((await fetch(server.baseUrl + up.body.downloadPath)).status, 404);
  });

  it('updateFirmware: the station downloads the image over HTTP, reports Downloading → Installed, is asked to reboot, boots with the new version', async () => {
    const image = randomBytes(100_000);
    const fw = (await uploadFirmware('fw-2.0.bin', image)).body;
    const cp = await strictStation(server, 'FW-16', '1.6');
    const strict = watchStrictness(cp);
    const updates = record(cp, 'UpdateFirmware');
    const resets = record(cp, 'Reset', () => ({ status: 'Accepted' }));
    const events: string[] = [];
    const unsubscribe = server.appliance.services.events.subscribe((e) => {
      if (e.type === 'station.job.updated' && e.data.stationId === 'FW-16') events.push(`job:${e.data.status}`);
      if (e.type === 'station.firmware.updated' && e.data.stationId === 'FW-16') events.push(`firmware:${e.data.status}`);
    });
    try {
      const retrieveAt = '2026-07-01T02:00:00.000Z';
      const outcome = await command('FW-16', 'updateFirmware', { firmwareId: fw.id, retrieveAt, retries: 3, retryInterval: 60, rebootDelaySeconds: 0 });
      assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
      assert.equal(outcome.body.status, 'accepted');
      const job = outcome.body.result.job;
      assert.equal(job.kind, 'firmware');
      assert.equal(job.requestId, null);
      assert.equal(job.firmwareId, fw.id);

      assert.equal(updates.length, 1);
      const sent = updates[0];
      assert.deepEqual(Object.keys(sent).sort(), ['location', 'retries', 'retrieveDate', 'retryInterval']);
      assert.equal(sent.retrieveDate, retrieveAt);
      assert.equal(sent.location, `${server.baseUrl}${fw.downloadPath}`, 'derived from the Host of the API request');
      const fetched = await fetch(sent.location);
      assert.equal(fetched.status, 200);
      assert.equal(sha256(await bytesOf(fetched)), fw.sha256);

      for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) {
        assert.deepEqual(await cp.call('FirmwareStatusNotification', { status }), {});
      }
      await eventually(() => resets.length === 1, 3000, 'a reset after Installed');
      assert.deepEqual(resets[0], { type: 'Soft' });
      const boot: any = await cp.call('BootNotification', { chargePointVendor: 'Strict', chargePointModel: 'Peer', firmwareVersion: '2.0' });
      assert.equal(boot.status, 'Accepted');

      const jobs = await eventually(async () => {
        const body = (await getJson(api('/stations/FW-16/firmware-jobs'))).body;
        return body.items[0].history.some((h: any) => h.status === 'reboot_requested') && body;
      });
      assert.equal(jobs.firmwareVersion, '2.0');
      assert.equal(jobs.current.status, 'installed');
      assert.equal(jobs.current.jobId, job.id);
      const [latest] = jobs.items;
      assert.equal(latest.state, 'succeeded');
      assert.equal(latest.status, 'installed');
      assert.deepEqual(
        latest.history.map((h: any) => `${h.source}:${h.status}`),
        ['ampyard:requested', 'station:accepted', 'station:downloading', 'station:downloaded', 'station:installing', 'station:installed', 'ampyard:reboot_requested'],
      );
      // The station is back after its reboot: no second reset.
      assert.equal(resets.length, 1);
      assert.deepEqual(events.slice(0, 4), ['job:requested', 'job:accepted', 'firmware:downloading', 'job:downloading']);
      assert.ok(events.includes('firmware:installed'));
      assert.deepEqual(strict, []);

      // An image an unfinished update still uses is kept unless forced.
      const again = await command('FW-16', 'updateFirmware', { firmwareId: fw.id, rebootAfterInstall: false });
      assert.equal(again.body.result.job.state, 'active');
      assert.equal((await server.api(`/firmware/${fw.id}`, { method: 'DELETE' })).status, 409);
      assert.equal((await server.api(`/firmware/${fw.id}?force=true`, { method: 'DELETE' })).status, 204);
    } finally {
      unsubscribe();
      await cp.close({ code: 1000 });
    }
  });

  it('getDiagnostics: the station PUTs its file to the one-time URL; the API serves the identical bytes', async () => {
    const cp = await strictStation(server, 'DIAG-16', '1.6');
    const strict = watchStrictness(cp);
    const requests = record(cp, 'GetDiagnostics', () => ({ fileName: 'diag-DIAG-16.tar.gz' }));
    try {
      const outcome = await command('DIAG-16', 'getDiagnostics', { startTime: '2026-05-01T00:00:00Z', stopTime: '2026-05-02T00:00:00Z' });
      assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
      const location: string = requests[0].location;
      assert.match(location, new RegExp(`^${server.baseUrl}/uploads/[A-Za-z0-9_-]{24}$`));
      assert.equal(requests[0].startTime, '2026-05-01T00:00:00.000Z');
      assert.equal(requests[0].stopTime, '2026-05-02T00:00:00.000Z');
      assert.equal(outcome.body.result.job.location, location);

      await cp.call('DiagnosticsStatusNotification', { status: 'Uploading' });
      const content = randomBytes(20_000);
      const put = await fetch(location, { method: 'PUT', body: content, headers: { 'content-type': 'application/gzip' } });
      assert.equal(put.status, 200);
      assert.equal((await fetch(location, { method: 'PUT', body: content })).status, 404, 'an upload URL takes one file');
      await cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' });

      const files = (await getJson(api('/stations/DIAG-16/files'))).body.items;
      assert.equal(files.length, 1);
      assert.equal(files[0].name, 'diag-DIAG-16.tar.gz', 'named as the station announced it');
      assert.equal(files[0].size, content.length);
      assert.equal(files[0].sha256, sha256(content));
      const download = await server.api(`/stations/DIAG-16/files/${files[0].id}`);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-disposition'), `attachment; filename="diag-DIAG-16.tar.gz"; filename*=UTF-8''diag-DIAG-16.tar.gz`);
      assert.equal(download.headers.get('content-type'), 'application/gzip');
      assert.deepEqual(await bytesOf(download), new Uint8Array(content));
      assert.equal((await getJson(api(`/stations/FW-16/files/${files[0].id}`))).status, 404, 'another station’s file');

      const [job] = (await getJson(api('/stations/DIAG-16/diagnostics-jobs'))).body.items;
      assert.equal(job.kind, 'diagnostics');
      assert.equal(job.state, 'succeeded');
      assert.deepEqual(job.history.map((h: any) => h.status), ['requested', 'accepted', 'uploading', 'received', 'uploaded']);
      assert.deepEqual(job.files.map((f: any) => f.id), [files[0].id]);

      // A newer request replaces an unfinished one; 1.6 notifications (no requestId) go to the newer.
      const first = (await command('DIAG-16', 'getDiagnostics', {})).body.result.job;
      const second = (await command('DIAG-16', 'getDiagnostics', {})).body.result.job;
      await cp.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
      const [newest, older] = (await getJson(api('/stations/DIAG-16/diagnostics-jobs'))).body.items;
      assert.deepEqual([newest.id, newest.status, newest.state], [second.id, 'upload_failed', 'failed']);
      assert.deepEqual([older.id, older.status, older.state], [first.id, 'superseded', 'failed']);
      assert.deepEqual(strict, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('getLog (security extension): multipart POST upload, LogStatusNotification with requestId; over-size → 413, then a good upload', async () => {
    const cp = await strictStation(server, 'LOG-16', '1.6');
    const strict = watchStrictness(cp);
    const requests = record(cp, 'GetLog', () => ({ status: 'Accepted', filename: 'security.log' }));
    try {
      const outcome = await command('LOG-16', 'getLog', { logType: 'security', startTime: '2026-05-01T00:00:00Z' });
      assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
      assert.equal(outcome.body.status, 'accepted');
      const sent = requests[0];
      assert.equal(sent.logType, 'SecurityLog');
      assert.equal(sent.requestId, outcome.body.result.job.requestId);
      assert.deepEqual(Object.keys(sent.log).sort(), ['oldestTimestamp', 'remoteLocation']);
      const location: string = sent.log.remoteLocation;

      await cp.call('LogStatusNotification', { status: 'Uploading', requestId: sent.requestId });
      const tooBig = new FormData();
      tooBig.append('file', new Blob([randomBytes(70 * 1024)]), 'security.log');
      const refused = await fetch(location, { method: 'POST', body: tooBig });
      assert.equal(refused.status, 413);
      assert.equal((await fetch(location, { method: 'PUT', body: randomBytes(65 * 1024) })).status, 413);
      // Without a Content-Length (chunked), the limit is found while streaming.
      const chunks = [randomBytes(40 * 1024), randomBytes(40 * 1024)];
      const chunked = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
      assert.equal((await fetch(location, { method: 'PUT', body: chunked, duplex: 'half' } as RequestInit)).status, 413);

      const content = new TextEncoder().encode('2026-05-01T10:00:00Z SettingSystemTime\n'.repeat(200));
      const form = new FormData();
      form.append('comment', 'from the station');
      form.append('uploadfile', new Blob([content], { type: 'text/plain' }), 'sec-2026.log');
      const post = await fetch(`${location}/ignored-name.log`, { method: 'POST', body: form });
      assert.equal(post.status, 200);
      await cp.call('LogStatusNotification', { status: 'Uploaded', requestId: sent.requestId });

      const [file] = (await getJson(api('/stations/LOG-16/files'))).body.items;
      assert.equal(file.name, 'sec-2026.log', 'the name of the form’s file part');
      assert.equal(file.contentType, 'text/plain');
      assert.deepEqual(await bytesOf(await server.api(`/stations/LOG-16/files/${file.id}`)), content);
      // Refused bodies and the spooled multipart body leave nothing behind: one file per upload, no partials.
      assert.equal(readdirSync(join(server.dataDir, 'uploads')).length, 2);

      const [job] = (await getJson(api('/stations/LOG-16/diagnostics-jobs'))).body.items;
      assert.equal(job.kind, 'log');
      assert.equal(job.requestId, sent.requestId);
      assert.equal(job.state, 'succeeded');
      assert.deepEqual(job.history.map((h: any) => h.status), ['requested', 'accepted', 'uploading', 'received', 'uploaded']);

      // Two files in one form, or none, is not an upload.
      const second = await command('LOG-16', 'getLog', { logType: 'diagnostics' });
      assert.equal(requests[1].logType, 'DiagnosticsLog');
      const two = new FormData();
      two.append('a', new Blob(['x']), 'a.log');
      two.append('b', new Blob(['y']), 'b.log');
      assert.equal((await fetch(second.body.result.job.location, { method: 'POST', body: two })).status, 400);
      assert.deepEqual(strict, []);
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('signedUpdateFirmware (security extension) and SignedFirmwareStatusNotification with requestId', async () => {
    const fw = (await uploadFirmware('signed-3.0.bin', randomBytes(4096))).body;
    const cp = await strictStation(server, 'SFW-16', '1.6');
    const strict = watchStrictness(cp);
    const requests = record(cp, 'SignedUpdateFirmware', () => ({ status: 'Accepted' }));
    try {
      const cert = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';
      const outcome = await command('SFW-16', 'signedUpdateFirmware', {
        firmwareId: fw.id,
        signingCertificate: cert,
        signature: 'c2lnbmF0dXJl',
        installAt: '2026-07-01T03:00:00Z',
        rebootAfterInstall: false,
      });
      assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
      const sent = requests[0];
      assert.equal(sent.requestId, outcome.body.result.job.requestId);
      assert.equal(sent.firmware.location, `${server.baseUrl}${fw.downloadPath}`);
      assert.equal(sent.firmware.signingCertificate, cert);
      assert.equal(sent.firmware.signature, 'c2lnbmF0dXJl');
      assert.equal(sent.firmware.installDateTime, '2026-07-01T03:00:00.000Z');
      assert.ok(Date.parse(sent.firmware.retrieveDateTime) > 0);

      for (const status of ['Downloading', 'Downloaded', 'SignatureVerified', 'InstallScheduled', 'Installing', 'Installed']) {
        assert.deepEqual(await cp.call('SignedFirmwareStatusNotification', { status, requestId: sent.requestId }), {});
      }
      // A status for a request Ampyard never made is still acknowledged.
      assert.deepEqual(await cp.call('SignedFirmwareStatusNotification', { status: 'Idle', requestId: 999_999 }), {});

      const jobs = (await getJson(api('/stations/SFW-16/firmware-jobs'))).body;
      const [job] = jobs.items;
      assert.equal(job.kind, 'signed-firmware');
      assert.equal(job.state, 'succeeded');
      assert.deepEqual(job.history.map((h: any) => h.status), [
        'requested', 'accepted', 'downloading', 'downloaded', 'signature_verified', 'install_scheduled', 'installing', 'installed',
      ]);
      assert.equal(jobs.current.status, 'idle', 'the station’s latest firmware status');
      assert.deepEqual(strict, []);

      // A refused certificate fails the job at once.
      requests.length = 0;
      cp.handle('SignedUpdateFirmware', async () => ({ status: 'InvalidCertificate' }));
      const refused = await command('SFW-16', 'signedUpdateFirmware', { firmwareId: fw.id, signingCertificate: cert, signature: 'eA==' });
      assert.equal(refused.body.status, 'invalid_certificate');
      assert.equal(refused.body.result.job.state, 'failed');
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('error paths: unknown firmware 404, offline 409, bad params 400, Rejected GetLog, no answer 504, unknown upload URL 404', async () => {
    const fw = (await uploadFirmware('fw-err.bin', randomBytes(1024))).body;
    assert.equal((await postJson(api('/stations'), { id: 'ERR-OFF' })).status, 201);
    const offline = await command('ERR-OFF', 'updateFirmware', { firmwareId: fw.id });
    assert.equal(offline.status, 409);
    assert.equal(offline.body.error.code, 'station_offline');

    const cp = await strictStation(server, 'ERR-16', '1.6');
    const strict = watchStrictness(cp);
    const logs = record(cp, 'GetLog', () => ({ status: 'Rejected' }));
    // Answers only once the CSMS has given up (ocpp-rpc's close waits for handlers to finish).
    let answerLate: (value: Record<string, unknown>) => void = () => undefined;
    cp.handle('GetDiagnostics', () => new Promise((resolve) => (answerLate = resolve)));
    try {
      const unknown = await command('ERR-16', 'updateFirmware', { firmwareId: 987_654 });
      assert.equal(unknown.status, 404);
      assert.equal((await getJson(api('/stations/ERR-16/firmware-jobs'))).body.items.length, 0, 'no job for a request never sent');

      const bad = await command('ERR-16', 'getLog', { logType: 'kernel', retries: -1 });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.error.details.fields.map((f: any) => f.field).sort(), ['logType', 'retries']);
      assert.equal((await command('ERR-16', 'updateFirmware', { firmwareId: fw.id, signature: 'x' })).status, 422, '1.6 UpdateFirmware cannot carry a signature');

      const rejected = await command('ERR-16', 'getLog', { logType: 'diagnostics' });
      assert.equal(rejected.status, 200);
      assert.equal(rejected.body.status, 'rejected');
      assert.equal(rejected.body.result.job.state, 'failed');
      assert.equal(logs.length, 1);
      const closed = await fetch(logs[0].log.remoteLocation, { method: 'PUT', body: 'late' });
      assert.equal(closed.status, 404, 'a refused request’s URL takes no file');

      const silent = await command('ERR-16', 'getDiagnostics', {});
      assert.equal(silent.status, 504);
      const [diag] = (await getJson(api('/stations/ERR-16/diagnostics-jobs'))).body.items;
      assert.equal(diag.kind, 'diagnostics');
      assert.equal(diag.status, 'no_answer');
      assert.equal(diag.state, 'failed');

      assert.equal((await fetch(`${server.baseUrl}/uploads/not-a-token`, { method: 'PUT', body: 'x' })).status, 404);
      assert.equal((await fetch(`${server.baseUrl}/uploads/not-a-token/x.log`, { method: 'POST', body: 'x' })).status, 404);
      assert.equal((await getJson(api('/stations/ERR-16/files/1'))).status, 404);
      assert.equal((await getJson(api('/stations/NOPE/firmware-jobs'))).status, 404);
      assert.deepEqual(strict, []);
    } finally {
      answerLate({});
      await cp.close({ code: 1000 });
    }
  });
});

describe('the URL stations are given', () => {
  it('is the configured publicUrl when set, whatever host the API request used', async () => {
    const server = await startTestServer({ publicUrl: 'https://depot.example:8443/ampyard' });
    try {
      const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
      const fw = (await (await server.api('/firmware?name=a.bin', { method: 'POST', body: 'firmware' })).json()) as any;
      const cp = await strictStation(server, 'PUB-16', '1.6');
      const updates = record(cp, 'UpdateFirmware');
      const diagnostics = record(cp, 'GetDiagnostics', () => ({}));
      try {
        await postJson(api('/stations/PUB-16/commands/updateFirmware'), { firmwareId: fw.id });
        assert.equal(updates[0].location, `https://depot.example:8443/ampyard${fw.downloadPath}`);
        const outcome = await postJson(api('/stations/PUB-16/commands/getDiagnostics'), {});
        assert.match(diagnostics[0].location, /^https:\/\/depot\.example:8443\/ampyard\/uploads\/[A-Za-z0-9_-]{24}$/);
        assert.match(outcome.body.result.job.history[1].detail, /named no file/);
      } finally {
        await cp.close({ code: 1000 });
      }
    } finally {
      await server.stop();
    }
  });
});
