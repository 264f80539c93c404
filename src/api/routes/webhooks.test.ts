import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DomainEvent } from '../../domain/events.ts';
import { createUserWithToken, withToken } from '../../testing/auth.ts';
import { eventually } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

interface Received {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = number | 'hang';

/** An integration's endpoint on 127.0.0.1 that records every request and answers as told. */
class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received, index: number) => Answer = () => 200;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const request = { at: Date.now(), path: req.url ?? '', headers: req.headers, body };
        const answer = this.answer(request, this.received.length);
        this.received.push(request);
        if (answer === 'hang') return;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? 'receiver says no' : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.headers['x-ampyard-event'] === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** What a receiver does to check a delivery: HMAC-SHA256 of the raw body with the shared secret. */
function signatureValid(secret: string, request: Received): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`);
  const given = Buffer.from(String(request.headers['x-ampyard-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const json = { 'content-type': 'application/json' };
/** eventually() for a value that is undefined until it is there. */
const until = <T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string) => eventually(check, timeoutMs, what) as Promise<T>;
const warning = (n: number): DomainEvent => ({ type: 'station.warning', data: { stationId: 'CP-W', kind: 'test', message: `warning ${n}`, at: new Date().toISOString() } });

async function createWebhook(server: TestServer, body: Record<string, unknown>): Promise<{ id: number; secret: string; [key: string]: unknown }> {
  const res = await server.api('/webhooks', { method: 'POST', headers: json, body: JSON.stringify(body) });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: number; secret: string };
}

async function deliveries(server: TestServer, id: number, query = ''): Promise<{ items: any[]; total: number }> {
  return (await server.api(`/webhooks/${id}/deliveries${query}`)).json() as Promise<{ items: any[]; total: number }>;
}

describe('webhooks: management, signed deliveries, filters, retries with backoff', () => {
  let server: TestServer;
  const receiver = new Receiver();
  before(async () => {
    await receiver.start();
    server = await startTestServer({ webhookRetrySeconds: 0.1, webhookAttempts: 4, webhookTimeoutSeconds: 1 });
  });
  after(async () => {
    await server.stop();
    await receiver.stop();
  });

  it('CRUD: the secret is shown once (generated or set), never listed; field errors; admins only', async () => {
    const problem = async (body: unknown, method = 'POST', path = '/webhooks') => {
      const res = await server.api(path, { method, headers: json, body: JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
      return ((await res.json()) as { error: { details: { fields: { field: string }[] } } }).error.details.fields.map((f) => f.field);
    };
    assert.deepEqual(await problem({}), ['url']);
    assert.deepEqual(await problem({ url: 'ftp://example.com/x' }), ['url']);
    assert.deepEqual(await problem({ url: 'https://user:pw@example.com/x' }), ['url']);
    assert.deepEqual(await problem({ url: receiver.url(), events: ['transaction.*', 'nothing.*', 'Transaction.Started', 7] }), ['events.1', 'events.2', 'events.3']);
    assert.deepEqual(await problem({ url: receiver.url(), events: [] }), ['events']);
    assert.deepEqual(await problem({ url: receiver.url(), secret: 'short' }), ['secret']);
    assert.deepEqual(await problem({ url: receiver.url(), enabled: 'yes', colour: 'red' }), ['colour']);
    assert.deepEqual(await problem({ url: receiver.url(), enabled: 'yes' }), ['enabled']);

    const created = await createWebhook(server, { url: receiver.url('/crud'), description: 'ERP', events: ['transaction.ended'], enabled: false });
    assert.match(created.secret, /^whsec_[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(
      { url: created['url'], description: created['description'], events: created['events'], enabled: created['enabled'], pending: created['pending'], dropped: created['dropped'] },
      { url: receiver.url('/crud'), description: 'ERP', events: ['transaction.ended'], enabled: false, pending: 0, dropped: 0 },
    );
    const listed = (await (await server.api('/webhooks')).json()) as { items: Record<string, unknown>[] };
    assert.ok(listed.items.some((w) => w['id'] === created.id));
    assert.ok(listed.items.every((w) => !('secret' in w)));
    const one = (await (await server.api(`/webhooks/${created.id}`)).json()) as Record<string, unknown>;
    assert.equal('secret' in one, false);

    const own = await createWebhook(server, { url: receiver.url('/own'), secret: 'my-own-shared-secret-123' });
    assert.equal(own.secret, 'my-own-shared-secret-123');
    assert.deepEqual(own['events'], ['*']);

    const patched = await server.api(`/webhooks/${created.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ events: ['transaction.*', 'station.updated'], description: 'ERP 2' }) });
    const changed = (await patched.json()) as Record<string, unknown>;
    assert.deepEqual([changed['events'], changed['description'], 'secret' in changed], [['transaction.*', 'station.updated'], 'ERP 2', false]);
    const rotated = (await (await server.api(`/webhooks/${created.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ rotateSecret: true }) })).json()) as { secret: string };
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, created.secret);
    assert.deepEqual(await problem({ rotateSecret: true, secret: 'another-secret-12345' }, 'PATCH', `/webhooks/${created.id}`), ['rotateSecret']);

    const types = (await (await server.api('/webhooks/event-types')).json()) as { items: { type: string }[] };
    assert.ok(types.items.some((t) => t.type === 'transaction.started'));
    assert.ok(types.items.some((t) => t.type === 'ping'));

    for (const role of ['operator', 'viewer'] as const) {
      const user = await createUserWithToken(server, `webhook-${role}`, role);
      assert.equal((await withToken(server, user.token)('/webhooks')).status, 403);
      assert.equal((await withToken(server, user.token)('/webhooks', { method: 'POST', headers: json, body: JSON.stringify({ url: receiver.url() }) })).status, 403);
    }

    for (const id of [created.id, own.id]) assert.equal((await server.api(`/webhooks/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.api(`/webhooks/${created.id}`)).status, 404);
    assert.equal((await server.api('/webhooks/999999/deliveries')).status, 404);
  });

  it('POSTs the live-stream events as signed JSON, only those the filter asks for', async () => {
    const sessions = await createWebhook(server, { url: receiver.url('/sessions'), events: ['transaction.*'] });
    const everything = await createWebhook(server, { url: receiver.url('/all') });
    const station = await strictStation(server, 'CP-HOOK', '1.6');
    try {
      await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
      const started = (await station.call('StartTransaction', { connectorId: 1, idTag: 'HOOKTAG', meterStart: 100, timestamp: new Date().toISOString() })) as { transactionId: number };
      const request = await until(() => receiver.received.find((r) => r.path === '/sessions'), 5000, 'the transaction.started delivery');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-ampyard-event'], 'transaction.started');
      assert.match(String(request.headers['x-ampyard-delivery']), /^[0-9a-f-]{36}$/);
      assert.equal(request.headers['x-ampyard-attempt'], '1');
      assert.match(String(request.headers['user-agent']), /^Ampyard-Webhooks\//);
      assert.ok(signatureValid(sessions.secret, request), 'the signature is the HMAC of the raw body');
      assert.ok(!signatureValid(everything.secret, request), 'each webhook signs with its own secret');
      const body = JSON.parse(request.body) as { id: string; type: string; occurredAt: string; data: { id: number; stationId: string; idToken: string } };
      assert.deepEqual(Object.keys(body), ['id', 'type', 'occurredAt', 'data']);
      assert.equal(body.type, 'transaction.started');
      assert.ok(Math.abs(Date.parse(body.occurredAt) - Date.now()) < 10_000);
      assert.deepEqual([body.data.id, body.data.stationId, body.data.idToken], [started.transactionId, 'CP-HOOK', 'HOOKTAG']);

      const all = await until(() => {
        const got = receiver.received.filter((r) => r.path === '/all');
        return got.some((r) => r.headers['x-ampyard-event'] === 'transaction.started') && got.some((r) => r.headers['x-ampyard-event'] === 'connector.updated') ? got : undefined;
      }, 5000, 'deliveries to the catch-all webhook');
      assert.ok(all.some((r) => r.headers['x-ampyard-event'] === 'station.updated'));
      const sameEvent = all.find((r) => r.headers['x-ampyard-event'] === 'transaction.started')!;
      assert.equal(JSON.parse(sameEvent.body).id, body.id, 'one event id for every webhook it goes to');
      assert.notEqual(sameEvent.headers['x-ampyard-delivery'], request.headers['x-ampyard-delivery']);
      assert.ok(signatureValid(everything.secret, sameEvent));

      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual([...new Set(receiver.received.filter((r) => r.path === '/sessions').map((r) => r.headers['x-ampyard-event']))], ['transaction.started'], 'the filter keeps the rest out');

      const log = await deliveries(server, sessions.id);
      assert.equal(log.total, 1);
      assert.deepEqual(
        { status: log.items[0].status, attempts: log.items[0].attempts, responseStatus: log.items[0].responseStatus, eventType: log.items[0].eventType, id: log.items[0].id, error: log.items[0].error, nextAttemptAt: log.items[0].nextAttemptAt },
        { status: 'delivered', attempts: 1, responseStatus: 200, eventType: 'transaction.started', id: request.headers['x-ampyard-delivery'], error: null, nextAttemptAt: null },
      );
      const detail = (await (await server.api(`/webhooks/${sessions.id}/deliveries/${log.items[0].id}`)).json()) as { body: { id: string } };
      assert.equal(detail.body.id, body.id);
      const listed = (await (await server.api(`/webhooks/${sessions.id}`)).json()) as { lastDelivery: { status: string; responseStatus: number } };
      assert.deepEqual([listed.lastDelivery.status, listed.lastDelivery.responseStatus], ['delivered', 200]);
    } finally {
      station.close({ force: true });
      for (const id of [sessions.id, everything.id]) await server.api(`/webhooks/${id}`, { method: 'DELETE' });
    }
  });

  it('retries failures with exponential backoff (same delivery id and signature), then delivers', async () => {
    const hook = await createWebhook(server, { url: receiver.url('/flaky'), events: ['station.warning'] });
    receiver.answer = (request) => (request.path === '/flaky' && receiver.received.filter((r) => r.path === '/flaky').length < 2 ? 503 : 200);
    try {
      server.appliance.services.events.publish(warning(1));
      const attempts = await until(() => {
        const got = receiver.received.filter((r) => r.path === '/flaky');
        return got.length >= 3 ? got : undefined;
      }, 5000, 'three attempts');
      assert.deepEqual(attempts.map((r) => r.headers['x-ampyard-attempt']), ['1', '2', '3']);
      assert.equal(new Set(attempts.map((r) => r.headers['x-ampyard-delivery'])).size, 1);
      assert.equal(new Set(attempts.map((r) => r.body)).size, 1);
      assert.ok(attempts.every((r) => signatureValid(hook.secret, r)));
      const [first, second] = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
      assert.ok(first >= 90, `first retry after ${first} ms (base 100 ms)`);
      assert.ok(second >= 190, `second retry after ${second} ms (twice the base)`);
      const delivered = await until(async () => {
        const log = await deliveries(server, hook.id);
        return log.items[0]?.status === 'delivered' ? log.items[0] : undefined;
      }, 3000, 'the delivery to be recorded');
      assert.deepEqual([delivered.attempts, delivered.responseStatus], [3, 200]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.received.filter((r) => r.path === '/flaky').length, 3, 'nothing more after success');
    } finally {
      receiver.answer = () => 200;
      await server.api(`/webhooks/${hook.id}`, { method: 'DELETE' });
    }
  });

  it('gives up after the configured attempts, records why, and can send it again on request', async () => {
    const hook = await createWebhook(server, { url: receiver.url('/down'), events: ['station.warning'] });
    receiver.answer = (request) => (request.path === '/down' ? 500 : 200);
    try {
      server.appliance.services.events.publish(warning(2));
      const failed = await until(async () => {
        const log = await deliveries(server, hook.id, '?status=failed');
        return log.items[0];
      }, 5000, 'the delivery to be given up');
      assert.deepEqual([failed.attempts, failed.responseStatus, failed.error], [4, 500, 'HTTP 500: receiver says no']);
      assert.equal(receiver.received.filter((r) => r.path === '/down').length, 4);

      receiver.answer = () => 200;
      const again = await server.api(`/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`, { method: 'POST' });
      assert.equal(again.status, 202);
      await until(async () => (await deliveries(server, hook.id, '?status=delivered')).total === 1, 3000, 'the redelivery');
      assert.equal(receiver.received.filter((r) => r.path === '/down').length, 5);
    } finally {
      receiver.answer = () => 200;
      await server.api(`/webhooks/${hook.id}`, { method: 'DELETE' });
    }
  });

  it('a receiver that does not answer in time counts as a failed attempt', async () => {
    const hook = await createWebhook(server, { url: receiver.url('/slow'), events: ['station.warning'] });
    receiver.answer = (request) => (request.path === '/slow' && receiver.received.filter((r) => r.path === '/slow').length === 0 ? 'hang' : 200);
    try {
      server.appliance.services.events.publish(warning(3));
      const delivered = await until(async () => (await deliveries(server, hook.id, '?status=delivered')).items[0], 5000, 'delivery after a timeout');
      assert.ok(delivered.attempts >= 2);
      assert.equal(receiver.received.filter((r) => r.path === '/slow').length, delivered.attempts);
    } finally {
      receiver.answer = () => 200;
      await server.api(`/webhooks/${hook.id}`, { method: 'DELETE' });
    }
  });

  it('ping reaches a webhook whatever its filter; a disabled webhook queues nothing', async () => {
    const hook = await createWebhook(server, { url: receiver.url('/ping'), events: ['firmware.added'] });
    try {
      const res = await server.api(`/webhooks/${hook.id}/ping`, { method: 'POST' });
      assert.equal(res.status, 202);
      const request = await until(() => receiver.received.find((r) => r.path === '/ping'), 3000, 'the ping');
      assert.equal(request.headers['x-ampyard-event'], 'ping');
      assert.deepEqual(JSON.parse(request.body).data, { webhookId: hook.id, url: receiver.url('/ping') });
      assert.ok(signatureValid(hook.secret, request));

      await server.api(`/webhooks/${hook.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ enabled: false, events: ['*'] }) });
      server.appliance.services.events.publish(warning(4));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await deliveries(server, hook.id)).total, 1);
    } finally {
      await server.api(`/webhooks/${hook.id}`, { method: 'DELETE' });
    }
  });
});

describe('webhooks: the queue is bounded and survives a restart', () => {
  it('drops the oldest undelivered events beyond the queue limit, and counts them', async () => {
    const server = await startTestServer({ webhookQueueLimit: 3, webhookRetrySeconds: 60 });
    try {
      // Nobody listens on this port: every attempt fails at once and is retried only after a minute.
      const closed = await new Receiver().start();
      await closed.stop();
      const hook = await createWebhook(server, { url: closed.url(), events: ['station.warning'] });
      for (let n = 1; n <= 5; n++) server.appliance.services.events.publish(warning(n));
      const webhook = await until(async () => {
        const w = (await (await server.api(`/webhooks/${hook.id}`)).json()) as { pending: number; dropped: number };
        return w.dropped === 2 ? w : undefined;
      }, 3000, 'two dropped deliveries');
      assert.equal(webhook.pending, 3);
      const dropped = await deliveries(server, hook.id, '?status=dropped');
      const pending = await deliveries(server, hook.id, '?status=pending');
      const message = async (id: string) => ((await (await server.api(`/webhooks/${hook.id}/deliveries/${id}`)).json()) as { body: { data: { message: string } } }).body.data.message;
      assert.deepEqual((await Promise.all(dropped.items.map((d) => message(d.id)))).sort(), ['warning 1', 'warning 2']);
      assert.deepEqual((await Promise.all(pending.items.map((d) => message(d.id)))).sort(), ['warning 3', 'warning 4', 'warning 5']);
      const failedAttempt = await until(async () => (await deliveries(server, hook.id, '?status=pending')).items.find((d) => d.attempts === 1), 3000, 'a failed first attempt');
      assert.match(failedAttempt.error, /ECONNREFUSED/);
      assert.ok(Date.parse(failedAttempt.nextAttemptAt) - Date.now() > 50_000, 'the retry waits for the backoff');
      const metrics = await (await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
      assert.match(metrics, /^ampyard_webhook_queue_length 3$/m);
      assert.match(metrics, /^ampyard_webhook_dropped_total 2$/m);
      assert.match(metrics, /^ampyard_webhook_attempts_total\{outcome="retried"\} [1-3]$/m);
    } finally {
      await server.stop();
    }
  });

  it('pending deliveries are sent after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-webhooks-'));
    const receiver = await new Receiver().start();
    const port = receiver.port;
    await receiver.stop();
    try {
      const first = await startTestServer({ dataDir, webhookRetrySeconds: 0.2 });
      let deliveryId: string;
      let secret: string;
      try {
        const hook = await createWebhook(first, { url: `http://127.0.0.1:${port}/after-restart`, events: ['station.warning'] });
        secret = hook.secret;
        first.appliance.services.events.publish(warning(1));
        const pending = await until(async () => (await deliveries(first, hook.id)).items.find((d) => d.attempts >= 1), 3000, 'a failed attempt');
        assert.equal(pending.status, 'pending');
        deliveryId = pending.id;
      } finally {
        await first.stop();
      }

      await receiver.start(port);
      const second = await startTestServer({ dataDir, webhookRetrySeconds: 0.2 });
      try {
        const request = await until(() => receiver.received[0], 5000, 'the delivery after the restart');
        assert.equal(request.headers['x-ampyard-delivery'], deliveryId);
        assert.ok(signatureValid(secret, request));
        assert.equal(JSON.parse(request.body).data.message, 'warning 1');
        const log = await until(async () => {
          const items = (await deliveries(second, 1)).items;
          return items[0]?.status === 'delivered' ? items : undefined;
        }, 3000, 'the delivery to be recorded');
        assert.ok(log[0].attempts >= 2);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
