import type { Services } from '../app/services.ts';
import { checkParams } from '../commands/params.ts';
import { ConflictError } from '../domain/errors.ts';
import { LiveReadingsRepo } from '../storage/live-readings-repo.ts';
import type { PerPhase } from './core/index.ts';
import { systemClock } from './clock.ts';
import { BalancerDriver } from './driver/driver.ts';
import { explain } from './driver/explain.ts';
import { MeterReadings, type MeterReading } from './meter/meter-readings.ts';
import { ModbusPoller } from './meter/modbus-poller.ts';
import { meterReadingSchema } from './site/schemas.ts';
import type { SiteModelService } from './site/site-service.ts';

/**
 * Local load management: the site model, the site meters (pushed or polled over Modbus TCP) and the driver that
 * applies the allocation core's results to the stations. `services.balancer`.
 */
export class Balancer {
  readonly site: SiteModelService;
  readonly meters = new MeterReadings();
  readonly driver: BalancerDriver;
  private readonly services: Services;
  private readonly pollers = new Map<string, { key: string; poller: ModbusPoller }>();
  private unsubscribe: (() => void) | undefined;

  constructor(services: Services, site: SiteModelService) {
    this.services = services;
    this.site = site;
    this.driver = new BalancerDriver({ services, site, meters: this.meters, readings: new LiveReadingsRepo(services.db, (id) => services.transactions.mayHaveLiveReadings(id)), ...(services.clock ? { clock: services.clock } : {}) });
  }

  start(): void {
    this.driver.start();
    this.syncPollers();
    this.unsubscribe = this.site.onChange((change) => {
      if (change === 'circuits') this.syncPollers();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.driver.stop();
    for (const { poller } of this.pollers.values()) poller.stop();
    this.pollers.clear();
  }

  /** POST /api/v1/site/meter-readings: a reading of a circuit's push meter. */
  pushReading(input: unknown): MeterReading {
    const body = checkParams<{ circuitId: string; currentA?: PerPhase; powerW?: number | PerPhase; measuredAt?: string }>(meterReadingSchema, input);
    const circuit = this.site.circuit(body.circuitId);
    if (circuit.meter?.kind !== 'push') throw new ConflictError(`circuit ${circuit.id} has no push meter (meter: ${circuit.meter?.kind ?? 'none'})`);
    if (body.currentA === undefined && body.powerW === undefined) throw new ConflictError('a reading needs currentA or powerW');
    const voltage = this.site.snapshot().config.voltageV;
    const powers: PerPhase | null = body.powerW === undefined ? null : typeof body.powerW === 'number' ? [body.powerW / 3, body.powerW / 3, body.powerW / 3] : body.powerW;
    const currentA = body.currentA ?? (powers!.map((w) => w / voltage) as PerPhase);
    // A reading from the future (a meter's clock ahead) counts as now: it must not stay fresh for longer than it is.
    const now = (this.services.clock ?? systemClock).now();
    const measuredAt = Math.min(now, body.measuredAt ? Date.parse(body.measuredAt) : now);
    const reading: MeterReading = { circuitId: circuit.id, currentA, powerW: body.powerW ?? null, measuredAt, source: 'push' };
    this.meters.record(reading);
    return reading;
  }

  /** Each metered circuit's meter and its latest reading. */
  meterStatus() {
    const now = Date.now();
    return this.site.snapshot().circuits.flatMap((c) => {
      if (!c.meter) return [];
      const status = this.meters.status(c.id);
      const at = status.lastReading?.measuredAt ?? null;
      return [{
        circuitId: c.id, kind: c.meter.kind, measures: c.meter.measures, staleAfterSeconds: c.meter.staleAfterSeconds,
        stale: at === null || now - at > c.meter.staleAfterSeconds * 1000,
        lastReading: status.lastReading ? { ...status.lastReading, measuredAt: new Date(status.lastReading.measuredAt).toISOString() } : null,
        lastError: status.lastError, lastErrorAt: status.lastErrorAt === null ? null : new Date(status.lastErrorAt).toISOString(),
      }];
    });
  }

  explain() {
    return explain(this.site.snapshot(), this.driver, this.driver.lastCycle(), (id) => this.services.link.isConnected(id));
  }

  /** One poller per circuit with a Modbus meter; restarted when its settings change. */
  private syncPollers(): void {
    const wanted = new Map(this.site.snapshot().circuits.flatMap((c) => (c.meter?.kind === 'modbus' && c.meter.modbus ? [[c.id, c.meter.modbus] as const] : [])));
    for (const [id, entry] of this.pollers) {
      if (wanted.has(id) && JSON.stringify(wanted.get(id)) === entry.key) continue;
      entry.poller.stop();
      this.pollers.delete(id);
      if (!wanted.has(id)) this.meters.forget(id);
    }
    for (const [circuitId, source] of wanted) {
      if (this.pollers.has(circuitId)) continue;
      try {
        const poller = new ModbusPoller(
          source,
          (reading, at) => this.meters.record({ circuitId, currentA: reading.currentA, powerW: reading.powerW, measuredAt: at, source: 'modbus' }),
          (message) => {
            this.meters.failed(circuitId, message);
            this.services.log.warn('site meter read failed', { circuit: circuitId, host: source.host, error: message });
          },
        );
        this.pollers.set(circuitId, { key: JSON.stringify(source), poller });
        poller.start();
      } catch (error) {
        this.meters.failed(circuitId, (error as Error).message);
      }
    }
  }
}
