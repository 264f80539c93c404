import { statSync } from 'node:fs';
import type { Services } from '../app/services.ts';
import { MetricsRepo } from '../storage/metrics-repo.ts';
import { MetricsText } from './registry.ts';

const REGISTRATIONS = ['pending', 'accepted', 'rejected'];

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Renders one scrape of GET /metrics from the recorded metrics and the services' current state. */
export function metricsRenderer(services: Services): () => string {
  const repo = new MetricsRepo(services.db);
  const { metrics } = services;

  return () => {
    const text = new MetricsText();
    text.family('ampyard_build_info', 'gauge', 'The running Ampyard version (always 1)').sample('ampyard_build_info', 1, { version: services.version });
    text.single('ampyard_uptime_seconds', 'gauge', 'Seconds since the appliance started', (Date.now() - services.startedAt.getTime()) / 1000);

    text.single('ampyard_stations_connected', 'gauge', 'Stations with an open OCPP connection', services.sessions.size);
    const registrations = repo.stationsByRegistration();
    text.family('ampyard_stations', 'gauge', 'Known stations by registration state');
    for (const registration of REGISTRATIONS) text.sample('ampyard_stations', registrations.get(registration) ?? 0, { registration });
    text.single('ampyard_transactions_active', 'gauge', 'Charging sessions in progress', repo.activeTransactions());

    metrics.ocpp.write(text);

    const dbFile = services.db.name;
    text.family('ampyard_database_bytes', 'gauge', 'Size of the SQLite database file and its write-ahead log');
    text.sample('ampyard_database_bytes', fileSize(dbFile), { file: 'db' });
    text.sample('ampyard_database_bytes', fileSize(`${dbFile}-wal`), { file: 'wal' });
    text.single('ampyard_storage_writable', 'gauge', '1 while database writes succeed, 0 while the storage fails (disk full, read-only, I/O error)', services.writes.health().ok ? 1 : 0);
    text.family('ampyard_write_batch_size', 'histogram', 'Writes committed together per group commit of the write queue');
    metrics.writeBatchSize.write(text, 'ampyard_write_batch_size');
    text.family('ampyard_write_batch_seconds', 'histogram', 'Time per group commit, from its transaction to its writes being durable (WAL fsync)');
    metrics.writeBatchSeconds.write(text, 'ampyard_write_batch_seconds');

    text.single('ampyard_webhook_queue_length', 'gauge', 'Webhook deliveries waiting to be sent or retried', services.webhooks.queueLength());
    const outcomes = services.webhooks.deliveryOutcomes();
    text.family('ampyard_webhook_attempts_total', 'counter', 'Webhook delivery attempts since start, by outcome (retried: failed, another attempt follows; failed: given up)');
    for (const [outcome, value] of Object.entries(outcomes)) text.sample('ampyard_webhook_attempts_total', value, { outcome });
    text.single('ampyard_webhook_dropped_total', 'counter', 'Webhook deliveries dropped undelivered since start because a webhook\'s queue was full', services.webhooks.droppedSinceStart);
    text.single('ampyard_exports_running', 'gauge', 'Session and meter value exports being downloaded', services.exports.active);

    if (metrics.allocationCycleSeconds.count > 0) {
      text.family('ampyard_allocation_cycle_seconds', 'histogram', 'Time per load-balancing allocation cycle');
      metrics.allocationCycleSeconds.write(text, 'ampyard_allocation_cycle_seconds');
    }

    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    text.single('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', memory.rss);
    text.single('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes', memory.heapUsed);
    text.single('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes', memory.heapTotal);
    text.single('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript (buffers, SQLite), in bytes', memory.external);
    text.single('process_cpu_user_seconds_total', 'counter', 'User CPU time spent, in seconds', cpu.user / 1e6);
    text.single('process_cpu_system_seconds_total', 'counter', 'System CPU time spent, in seconds', cpu.system / 1e6);
    text.single('process_cpu_seconds_total', 'counter', 'User and system CPU time spent, in seconds', (cpu.user + cpu.system) / 1e6);
    text.single('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch, in seconds', Math.round(Date.now() / 1000 - process.uptime()));

    // Event loop delay since the previous scrape (then reset), as prom-client reports it.
    const delay = metrics.eventLoopDelay;
    const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    text.single('nodejs_eventloop_lag_mean_seconds', 'gauge', 'Mean event loop delay since the previous scrape', seconds(delay.mean));
    text.single('nodejs_eventloop_lag_p50_seconds', 'gauge', 'Median event loop delay since the previous scrape', seconds(delay.percentile(50)));
    text.single('nodejs_eventloop_lag_p99_seconds', 'gauge', '99th percentile event loop delay since the previous scrape', seconds(delay.percentile(99)));
    text.single('nodejs_eventloop_lag_max_seconds', 'gauge', 'Longest event loop delay since the previous scrape', seconds(delay.max));
    delay.reset();
    return text.toString();
  };
}
