import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, signInWithPassword } from '../../testing/auth.ts';
import { postJson, RawClient } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { strictStation } from '../../testing/strict-station.ts';

interface Scrape {
  types: Map<string, string>;
  /** `name{label="value",…}` (labels sorted) → value. */
  samples: Map<string, number>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

/** A strict reader of the Prometheus text format 0.0.4, as far as Ampyard uses it. */
function parseExposition(text: string): Scrape {
  assert.ok(text.endsWith('\n'), 'ends with a line feed');
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples = new Map<string, number>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) {
      const name = line.split(' ')[2]!;
      assert.ok(!helped.has(name), `HELP for ${name} once`);
      helped.add(name);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type!), line);
      assert.ok(!types.has(name!), `TYPE for ${name} once`);
      types.set(name!, type!);
      continue;
    }
    const match = SAMPLE.exec(line);
    assert.ok(match, `a sample line: ${JSON.stringify(line)}`);
    const [, name, labelText = '', raw] = match;
    const family = types.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(family), `${name} comes after its TYPE line`);
    if (family !== name) assert.equal(types.get(family), 'histogram', `${name} belongs to a histogram`);
    const labels: [string, string][] = [];
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      assert.ok(label, `labels of ${line}`);
      labels.push([label[1]!, label[2]!]);
    }
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    assert.ok(raw === 'NaN' || !Number.isNaN(value), `a number: ${line}`);
    const key = `${name}{${labels.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
    assert.ok(!samples.has(key), `one sample per series: ${key}`);
    samples.set(key, value);
  }
  // Histograms: cumulative buckets that end in +Inf = _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, [number, number][]>();
    for (const [key, value] of samples) {
      if (!key.startsWith(`${family}_bucket{`)) continue;
      const le = /le="([^"]+)"/.exec(key)![1]!;
      const rest = key.slice(`${family}_bucket`.length).replace(/,?le="[^"]+"/, '').replace('{,', '{');
      series.set(rest, [...(series.get(rest) ?? []), [le === '+Inf' ? Infinity : Number(le), value]]);
    }
    for (const [labels, buckets] of series) {
      buckets.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], `${family}${labels} buckets are cumulative`);
      assert.equal(buckets.at(-1)![0], Infinity, `${family}${labels} has a +Inf bucket`);
      assert.equal(buckets.at(-1)![1], samples.get(`${family}_count${labels}`), `${family}${labels}: +Inf = _count`);
      assert.ok(samples.has(`${family}_sum${labels}`));
    }
  }
  return { types, samples };
}

describe('GET /metrics: Prometheus text format', () => {
  let server: TestServer;
  let viewerToken: string;
  before(async () => {
    server = await startTestServer();
    viewerToken = (await createUserWithToken(server, 'prometheus', 'viewer')).token;
  });
  after(() => server.stop());

  const scrape = async (): Promise<Scrape> => {
    const res = await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: `Bearer ${viewerToken}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  };
  const value = (scrape: Scrape, series: string) => scrape.samples.get(series) ?? 0;

  it('needs an API token (a viewer\'s is enough); a session cookie or no token is refused', async () => {
    const none = await fetch(`${server.baseUrl}/metrics`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="ampyard"');
    assert.equal((await fetch(`${server.baseUrl}/metrics`, { headers: { authorization: 'Bearer ampy_not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxxx' } })).status, 401);
    const session = await signInWithPassword(server, server.admin.username, server.admin.password);
    assert.equal((await fetch(`${server.baseUrl}/metrics`, { headers: { cookie: session.cookie } })).status, 401);
    await scrape();
  });

  it('parses, and its counters and gauges follow real OCPP traffic', async () => {
    const before = await scrape();
    for (const name of ['ampyard_stations_connected', 'ampyard_stations', 'ampyard_transactions_active', 'ampyard_ocpp_messages_received_total', 'ampyard_ocpp_messages_sent_total',
      'ampyard_ocpp_call_duration_seconds', 'ampyard_database_bytes', 'ampyard_write_batch_size', 'ampyard_write_batch_seconds', 'ampyard_webhook_queue_length',
      'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds', 'ampyard_uptime_seconds']) {
      assert.ok(before.types.has(name), `${name} is exposed`);
    }
    assert.equal(before.types.has('ampyard_allocation_cycle_seconds'), false, 'no allocation cycle metric until the balancer records one');
    assert.ok(value(before, 'ampyard_database_bytes{file="db"}') > 0);
    assert.ok(value(before, 'process_resident_memory_bytes{}') > 1e6);

    const station = await strictStation(server, 'CP-METRICS', '1.6');
    station.handle('Reset', async () => ({ status: 'Accepted' }));
    try {
      for (let i = 0; i < 3; i++) await station.call('Heartbeat', {});
      await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
      await station.call('StartTransaction', { connectorId: 1, idTag: 'METRICS', meterStart: 0, timestamp: new Date().toISOString() });
      assert.equal((await postJson(`${server.baseUrl}/api/v1/stations/CP-METRICS/commands/reset`, { type: 'soft' })).status, 200);

      const after = await scrape();
      const delta = (series: string) => value(after, series) - value(before, series);
      assert.equal(value(after, 'ampyard_stations_connected{}'), 1);
      assert.equal(value(after, 'ampyard_stations{registration="accepted"}'), 1);
      assert.equal(value(after, 'ampyard_stations{registration="pending"}'), 0);
      assert.equal(value(after, 'ampyard_transactions_active{}'), 1);
      assert.equal(delta('ampyard_ocpp_messages_received_total{action="Heartbeat",type="CALL"}'), 3);
      assert.equal(delta('ampyard_ocpp_messages_sent_total{action="Heartbeat",type="CALLRESULT"}'), 3);
      assert.equal(delta('ampyard_ocpp_messages_received_total{action="BootNotification",type="CALL"}'), 1);
      assert.equal(delta('ampyard_ocpp_messages_received_total{action="StartTransaction",type="CALL"}'), 1);
      assert.equal(delta('ampyard_ocpp_messages_sent_total{action="Reset",type="CALL"}'), 1, 'a command to the station');
      assert.equal(delta('ampyard_ocpp_messages_received_total{action="Reset",type="CALLRESULT"}'), 1, 'and its answer');
      assert.equal(delta('ampyard_ocpp_call_duration_seconds_count{action="Heartbeat"}'), 3);
      assert.equal(delta('ampyard_ocpp_call_duration_seconds_bucket{action="Heartbeat",le="+Inf"}'), 3);
      assert.ok(value(after, 'ampyard_ocpp_call_duration_seconds_sum{action="StartTransaction"}') > 0);
      assert.equal(value(after, 'ampyard_ocpp_call_duration_seconds_count{action="Reset"}'), 0, 'only the stations\' CALLs are timed here');
      assert.ok(delta('ampyard_write_batch_size_count{}') >= 3, 'the write queue committed the boot, status and session');
      assert.equal(value(after, 'ampyard_webhook_queue_length{}'), 0);
      assert.equal(value(after, 'ampyard_build_info{version="' + server.appliance.services.version + '"}'), 1);
    } finally {
      station.close({ force: true });
    }
  });

  it('a station inventing action names cannot grow the metrics without bound', async () => {
    const raw = await RawClient.connect(`ws://127.0.0.1:${server.port}/ocpp/CP-NOISY`);
    try {
      for (let i = 0; i < 300; i++) {
        const answer = await raw.call(`Invented${i}`, {});
        assert.equal(answer[0], 4, 'answered with a CALLERROR');
      }
    } finally {
      await raw.close();
    }
    const after = await scrape();
    const actions = new Set([...after.samples.keys()].filter((k) => k.startsWith('ampyard_ocpp_messages_received_total')).map((k) => /action="([^"]*)"/.exec(k)![1]));
    assert.ok(actions.size <= 201, `${actions.size} actions`);
    assert.ok(actions.has('(other)'));
    assert.ok(value(after, 'ampyard_ocpp_messages_received_total{action="(other)",type="CALL"}') > 0);
  });

  it('the allocation cycle time appears once the balancer records one', async () => {
    server.appliance.services.metrics.observeAllocationCycle(0.004);
    const after = await scrape();
    assert.equal(after.types.get('ampyard_allocation_cycle_seconds'), 'histogram');
    assert.equal(value(after, 'ampyard_allocation_cycle_seconds_count{}'), 1);
    assert.equal(value(after, 'ampyard_allocation_cycle_seconds_bucket{le="0.0025"}'), 0);
    assert.equal(value(after, 'ampyard_allocation_cycle_seconds_bucket{le="0.005"}'), 1);
  });
});
