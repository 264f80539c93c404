import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OcppMetrics } from './ocpp-metrics.ts';
import { Histogram } from './registry.ts';

/**
 * What the appliance measures as it runs, for GET /metrics. Parts of the appliance record into it;
 * gauges (stations, sessions, database size…) are read at scrape time (see exposition.ts).
 */
export class Metrics {
  readonly ocpp = new OcppMetrics();
  /** Writes per group commit of the write queue. */
  readonly writeBatchSize = new Histogram([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]);
  /** Seconds per group commit, until its writes are durable. */
  readonly writeBatchSeconds = new Histogram([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  /** Seconds per load-balancing allocation cycle; exposed only once something has recorded one. */
  readonly allocationCycleSeconds = new Histogram([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  readonly eventLoopDelay: ReturnType<typeof monitorEventLoopDelay>;

  constructor() {
    this.eventLoopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.eventLoopDelay.enable();
  }

  /** For the write queue: one committed batch. */
  readonly writeBatch = (size: number, seconds: number): void => {
    this.writeBatchSize.observe(size);
    this.writeBatchSeconds.observe(seconds);
  };

  /** For the load balancer: one allocation cycle took this long. */
  observeAllocationCycle(seconds: number): void {
    this.allocationCycleSeconds.observe(seconds);
  }

  close(): void {
    this.eventLoopDelay.disable();
  }
}
