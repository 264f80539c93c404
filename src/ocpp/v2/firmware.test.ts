import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RawClient, eventually, getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const digest = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');

/** Collects the calls a strict station receives; `answer` decides each reply (a promise that never settles: no answer). */
function record(cs: StrictClient, action: string, answer: (params: any) => unknown = () => ({ status: 'Accepted' })) {
  const calls: any[] = [];
  cs.handle(action, async ({ params }: any) => {
    calls.push(params);
    return answer(params) as Record<string, unknown>;
  });
  return calls;
}

function watchStrictness(cs: StrictClient): unknown[] {
  const failures: unknown[] = [];
  cs.on('strictValidationFailure', (e: unknown) => failures.push(e));
  return failures;
}

describe('OCPP 2.x firmware (L) and log upload (N): notifications, publishing through a local controller (strict ocpp-rpc stations)', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  const command = (station: string, name: string, params: unknown) => postJson(api(`/stations/${station}/commands/${name}`), params);
  let image: Uint8Array<ArrayBuffer>;
  let fw: any;

  before(async () => {
    server = await startTestServer({ callTimeoutSeconds: 1 });
    image = randomBytes(50_000);
    const res = await server.api('/firmware?name=lc-fw-3.1.bin', { method: 'POST', body: image });
    fw = await res.json();
    assert.equal(res.status, 201);
  });
  after(() => server.stop());

  for (const version of ['2.0.1', '2.1'] as const) {
    const tag = version.replaceAll('.', '');

    it(`${version}: UpdateFirmware job follows FirmwareStatusNotification by requestId; Idle without one sets the station's firmware status`, async () => {
      const id = `FW2-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const updates = record(cs, 'UpdateFirmware');
      try {
        const outcome = await command(id, 'updateFirmware', { firmwareId: fw.id, rebootAfterInstall: false });
        assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
        const job = outcome.body.result.job;
        assert.equal(updates[0].requestId, job.id);
        assert.equal(job.requestId, job.id);

        for (const status of ['DownloadScheduled', 'Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']) {
          assert.deepEqual(await cs.call('FirmwareStatusNotification', { status, requestId: job.id }), {});
        }
        let jobs = (await getJson(api(`/stations/${id}/firmware-jobs`))).body;
        assert.deepEqual([jobs.items[0].status, jobs.items[0].state], ['installed', 'succeeded']);
        assert.deepEqual(
          jobs.items[0].history.map((h: any) => `${h.source}:${h.status}`),
          ['ampyard:requested', 'station:accepted', 'station:download_scheduled', 'station:downloading', 'station:downloaded', 'station:signature_verified', 'station:installing', 'station:install_rebooting', 'station:installed'],
        );
        assert.equal(jobs.items[0].history[2].detail, `requestId ${job.id}`);
        assert.deepEqual([jobs.current.status, jobs.current.jobId], ['installed', job.id]);

        // A requestId Ampyard never used matches no job; Idle (after TriggerMessage) only sets the current status.
        assert.deepEqual(await cs.call('FirmwareStatusNotification', { status: 'DownloadFailed', requestId: 987654 }), {});
        assert.deepEqual(await cs.call('FirmwareStatusNotification', { status: 'Idle' }), {});
        jobs = (await getJson(api(`/stations/${id}/firmware-jobs`))).body;
        assert.equal(jobs.items[0].status, 'installed', 'a finished job stays finished');
        assert.deepEqual([jobs.current.status, jobs.current.jobId], ['idle', null]);

        // A failed install; 2.1 says why (statusInfo), which the job keeps.
        const second = (await command(id, 'updateFirmware', { firmwareId: fw.id, rebootAfterInstall: false })).body.result.job;
        const failure = version === '2.1' ? { status: 'InstallationFailed', requestId: second.id, statusInfo: { reasonCode: 'FlashWriteError', additionalInfo: 'bank B' } } : { status: 'InstallationFailed', requestId: second.id };
        await cs.call('FirmwareStatusNotification', failure);
        const failed = (await getJson(api(`/stations/${id}/jobs/${second.id}`))).body;
        assert.deepEqual([failed.status, failed.state], ['installation_failed', 'failed']);
        assert.equal(failed.history.at(-1).detail, version === '2.1' ? `requestId ${second.id}; FlashWriteError: bank B` : `requestId ${second.id}`);
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: GetLog job follows LogStatusNotification; the uploaded file arrives`, async () => {
      const id = `LOG2-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const requests = record(cs, 'GetLog', () => ({ status: 'Accepted', filename: `${id}.log` }));
      try {
        const outcome = await command(id, 'getLog', { logType: 'security' });
        assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
        const job = outcome.body.result.job;
        assert.equal(requests[0].logType, 'SecurityLog');
        assert.equal(requests[0].requestId, job.id);
        assert.deepEqual(await cs.call('LogStatusNotification', { status: 'Uploading', requestId: job.id }), {});
        const content = randomBytes(2000);
        assert.equal((await fetch(requests[0].log.remoteLocation, { method: 'PUT', body: content })).status, 200);
        assert.deepEqual(await cs.call('LogStatusNotification', { status: 'Uploaded', requestId: job.id }), {});
        const done = (await getJson(api(`/stations/${id}/jobs/${job.id}`))).body;
        assert.deepEqual([done.status, done.state], ['uploaded', 'succeeded']);
        assert.deepEqual(done.history.map((h: any) => h.status), ['requested', 'accepted', 'uploading', 'received', 'uploaded']);
        assert.deepEqual(done.files.map((f: any) => [f.name, f.sha256]), [[`${id}.log`, digest('sha256', content)]]);

        // A refused upload ends the job as failed; a notification for another job's requestId leaves this one alone.
        const second = (await command(id, 'getDiagnostics', {})).body.result.job;
        assert.equal(requests[1].logType, 'DiagnosticsLog');
        await cs.call('LogStatusNotification', { status: 'PermissionDenied', requestId: second.id });
        assert.deepEqual((await getJson(api(`/stations/${id}/jobs/${second.id}`))).body.state, 'failed');
        assert.equal((await getJson(api(`/stations/${id}/jobs/${job.id}`))).body.status, 'uploaded');
        assert.deepEqual(strict, []);
      } finally {
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: publishFirmware → the controller downloads from Ampyard, checks the MD5, publishes; unpublishFirmware by file or checksum`, async () => {
      const id = `LC-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      const publishes = record(cs, 'PublishFirmware');
      const unpublishAnswers = ['Unpublished', 'NoFirmware', 'DownloadOngoing'];
      const unpublishes = record(cs, 'UnpublishFirmware', () => ({ status: unpublishAnswers.shift() }));
      const events: string[] = [];
      const unsubscribe = server.appliance.services.events.subscribe((e) => {
        if (e.type === 'station.job.updated' && e.data.stationId === id) events.push(e.data.status);
      });
      try {
        const outcome = await command(id, 'publishFirmware', { firmwareId: fw.id, retries: 2, retryInterval: 30 });
        assert.equal(outcome.status, 200, JSON.stringify(outcome.body));
        assert.equal(outcome.body.status, 'accepted');
        const job = outcome.body.result.job;
        assert.deepEqual([job.kind, job.family, job.state, job.firmwareId], ['publish-firmware', 'publish', 'active', fw.id]);
        const sent = publishes[0];
        assert.deepEqual(sent, { location: `${server.baseUrl}${fw.downloadPath}`, checksum: digest('md5', image), requestId: job.id, retries: 2, retryInterval: 30 });
        const download = new Uint8Array(await (await fetch(sent.location)).arrayBuffer());
        assert.equal(digest('md5', download), sent.checksum, 'the controller can check what it downloaded');

        for (const status of ['DownloadScheduled', 'Downloading', 'Downloaded', 'ChecksumVerified']) {
          assert.deepEqual(await cs.call('PublishFirmwareStatusNotification', { status, requestId: job.id }), {});
        }
        const locations = ['http://192.168.10.2/fw/lc-fw-3.1.bin', 'ftp://192.168.10.2/lc-fw-3.1.bin'];
        assert.deepEqual(await cs.call('PublishFirmwareStatusNotification', { status: 'Published', requestId: job.id, location: locations }), {});
        let [published] = (await getJson(api(`/stations/${id}/firmware-publications`))).body.items;
        assert.deepEqual([published.id, published.status, published.state], [job.id, 'published', 'succeeded']);
        assert.deepEqual(published.result, { locations });
        assert.deepEqual(published.history.map((h: any) => h.status), ['requested', 'accepted', 'download_scheduled', 'downloading', 'downloaded', 'checksum_verified', 'published']);
        assert.deepEqual((await getJson(api(`/stations/${id}/firmware-jobs`))).body.items, [], 'publications are not firmware updates of the controller');
        assert.ok(events.includes('published'));

        const unpublished = await command(id, 'unpublishFirmware', { firmwareId: fw.id });
        assert.equal(unpublished.status, 200, JSON.stringify(unpublished.body));
        assert.equal(unpublished.body.status, 'unpublished');
        assert.deepEqual(unpublishes[0], { checksum: sent.checksum });
        assert.deepEqual(unpublished.body.result.jobs.map((j: any) => [j.id, j.status]), [[job.id, 'unpublished']]);
        [published] = (await getJson(api(`/stations/${id}/firmware-publications`))).body.items;
        assert.deepEqual([published.status, published.state, published.result], ['unpublished', 'succeeded', { locations }]);

        // By checksum (e.g. an image no longer in the library): nothing of Ampyard's matches any more.
        const byChecksum = await command(id, 'unpublishFirmware', { checksum: sent.checksum.toUpperCase() });
        assert.deepEqual([byChecksum.body.status, byChecksum.body.result.jobs], ['nofirmware', []]);
        assert.deepEqual(unpublishes[1], { checksum: sent.checksum });

        // A download still under way cannot be unpublished: the job goes on and notes it.
        const again = (await command(id, 'publishFirmware', { firmwareId: fw.id })).body.result.job;
        await cs.call('PublishFirmwareStatusNotification', { status: 'Downloading', requestId: again.id });
        const ongoing = await command(id, 'unpublishFirmware', { firmwareId: fw.id });
        assert.equal(ongoing.body.status, 'downloadongoing');
        const still = (await getJson(api(`/stations/${id}/jobs/${again.id}`))).body;
        assert.deepEqual([still.status, still.state, still.history.at(-1).status], ['downloading', 'active', 'download_ongoing']);
        // The controller finds the image corrupt.
        await cs.call('PublishFirmwareStatusNotification', { status: 'InvalidChecksum', requestId: again.id });
        assert.deepEqual((await getJson(api(`/stations/${id}/jobs/${again.id}`))).body.state, 'failed');
        assert.deepEqual(strict, []);
      } finally {
        unsubscribe();
        await cs.close({ code: 1000 });
      }
    });

    it(`${version}: publishing error paths — Rejected, no answer (504), bad params (400), unknown file (404), offline (409)`, async () => {
      const id = `LC-ERR-${tag}`;
      const cs = await strictStation(server, id, version);
      const strict = watchStrictness(cs);
      let mode: 'reject' | 'silent' = 'reject';
      let answerLate: (() => void) | undefined;
      record(cs, 'PublishFirmware', () =>
        mode === 'reject'
          ? { status: 'Rejected', statusInfo: { reasonCode: 'NoStorage', additionalInfo: 'disk full' } }
          : new Promise((resolve) => (answerLate = () => resolve({ status: 'Accepted' }))),
      );
      try {
        const rejected = await command(id, 'publishFirmware', { firmwareId: fw.id });
        assert.equal(rejected.status, 200);
        assert.deepEqual([rejected.body.status, rejected.body.result.job.state], ['rejected', 'failed']);
        assert.equal(rejected.body.result.job.history.at(-1).detail, 'NoStorage: disk full');

        mode = 'silent';
        const silent = await command(id, 'publishFirmware', { firmwareId: fw.id });
        assert.equal(silent.status, 504);
        const [noAnswer] = (await getJson(api(`/stations/${id}/firmware-publications`))).body.items;
        assert.deepEqual([noAnswer.status, noAnswer.state], ['no_answer', 'failed']);
        // The controller took it after all: its notification brings the job back.
        await cs.call('PublishFirmwareStatusNotification', { status: 'Downloading', requestId: noAnswer.id });
        assert.deepEqual((await getJson(api(`/stations/${id}/jobs/${noAnswer.id}`))).body.state, 'active');

        const missing = await command(id, 'publishFirmware', {});
        assert.equal(missing.status, 400);
        assert.equal(missing.body.error.code, 'validation');
        assert.equal((await command(id, 'publishFirmware', { firmwareId: 99999 })).status, 404);
        const both = await command(id, 'unpublishFirmware', { firmwareId: fw.id, checksum: digest('md5', image) });
        assert.equal(both.status, 400);
        assert.equal(both.body.error.details.fields[0].field, 'firmwareId');
        assert.equal((await command(id, 'unpublishFirmware', {})).status, 400);
        assert.equal((await command(id, 'unpublishFirmware', { checksum: 'not-md5' })).status, 400);
        assert.deepEqual(strict, []);
      } finally {
        answerLate?.();
        await cs.close({ code: 1000 });
      }
      await eventually(async () => (await getJson(api(`/stations/${id}`))).body.connected === false);
      const offline = await command(id, 'publishFirmware', { firmwareId: fw.id });
      assert.equal(offline.status, 409);
      assert.equal(offline.body.error.code, 'station_offline');
    });
  }

  it('OCPP 1.6 has no firmware publishing: 422', async () => {
    const cp = await strictStation(server, 'LC-16', '1.6');
    try {
      for (const [name, params] of [['publishFirmware', { firmwareId: fw.id }], ['unpublishFirmware', { firmwareId: fw.id }]] as const) {
        const res = await command('LC-16', name, params);
        assert.equal(res.status, 422);
        assert.equal(res.body.error.code, 'unsupported');
      }
      assert.deepEqual((await getJson(api('/stations/LC-16/firmware-publications'))).body.items, [], 'no job was made');
    } finally {
      await cp.close({ code: 1000 });
    }
  });

  it('schema-invalid notifications get a CALLERROR and change nothing; a station not accepted gets SecurityError', async () => {
    await postJson(api('/stations'), { id: 'RAW-FW' });
    const raw = await RawClient.connect(server.wsUrl('RAW-FW'), 'ocpp2.0.1');
    try {
      await raw.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      const bad = await raw.call('FirmwareStatusNotification', { status: 'Exploded', requestId: 1 });
      assert.equal(bad[0], 4);
      assert.match(String(bad[2]), /Violation/);
      const noLocation = await raw.call('PublishFirmwareStatusNotification', { location: ['x'] });
      assert.equal(noLocation[0], 4);
      assert.equal((await getJson(api('/stations/RAW-FW/firmware-jobs'))).body.current, null);
    } finally {
      await raw.close();
    }
    const pending = await RawClient.connect(server.wsUrl('UNKNOWN-FW'), 'ocpp2.1');
    try {
      await pending.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Raw', model: 'R' } });
      const refused = await pending.call('LogStatusNotification', { status: 'Uploaded', requestId: 1 });
      assert.deepEqual([refused[0], refused[2]], [4, 'SecurityError']);
    } finally {
      await pending.close();
    }
  });
});
