import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OcppVersion } from '../../src/ocpp/versions.ts';
import { startTestServer, type TestServer } from '../../src/testing/server.ts';
import { strictStation } from '../../src/testing/strict-station.ts';
import { carDraw } from './car.ts';
import type { CarSpec, Scenario } from './scenario.ts';
import { ServerProbe } from './server-probe.ts';
import { SimClock } from './sim-clock.ts';
import { configureSite, send } from './site-setup.ts';
import { SiteMeasure } from './site-measure.ts';
import { outcomeOf, physicalEvse, totalsOf, type CarOutcome, type SimResult } from './simulate.ts';
import { trafficOf, type OcppTraffic } from './ocpp-traffic.ts';
import { Timeline } from './timeline.ts';
import { TwinStation } from './twin-station.ts';

export interface OcppSimResult extends SimResult {
  mode: 'ocpp';
  simulatedS: number;
  stations: { '1.6': number; '2.0.1': number };
  traffic: OcppTraffic;
  wallSeconds: number;
}

export interface OcppSimOptions {
  /** Simulate only the first seconds of the scenario (cars still there at the end count as they are). */
  durationS?: number;
  version?: (index: number) => OcppVersion;
  /** How long the fail-safe profiles give a station its full capacity (the driver renews them at a third of it). */
  leaseSeconds?: number;
  /** Called at the end, before the server stops (tests look at the server's state here). */
  inspect?: (server: TestServer, stations: Map<string, TwinStation>) => void | Promise<void>;
}

interface LiveCar {
  spec: CarSpec;
  station: TwinStation;
  soc: number;
  deliveredKwh: number;
  draw: { evsePhaseA: [number, number, number]; powerW: number };
  arrivedAt: number;
}

const WARM_UP_MS = 10_000;

/**
 * Replays a scenario against the real server (in-process, real SQLite file, real websockets): one strict
 * OCPP station per EVSE (1.6 and 2.0.1 alternating), site, vehicles and prices configured over the REST API,
 * building load pushed to the site meter endpoint. Time is simulated: the driver's clock advances second by
 * second, and before it moves the simulator waits until every command the server sent is answered and handled.
 * Every simulated second it measures every circuit and phase from what the stations let their cars draw.
 */
export async function simulateOverOcpp(sc: Scenario, options: OcppSimOptions = {}): Promise<OcppSimResult> {
  const started = performance.now();
  const durationS = Math.min(sc.durationS, options.durationS ?? sc.durationS);
  const clock = new SimClock(sc.start - WARM_UP_MS);
  // A real SQLite file, on a RAM disk where there is one (the machine's disk stays out of the timings).
  const dataDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ampyard-twin-'));
  const server = await startTestServer({ dataDir }, { clock });
  let stations = new Map<string, TwinStation>();
  // The server's own timers are unref'd: keep the process up while the simulator waits on them.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const probe = new ServerProbe(server.appliance.services);
    const settle = () => probe.quiet();
    await configureSite(server, sc, options.leaseSeconds);
    const v = sc.site.voltageV ?? 230;
    stations = await connectStations(server, sc, options.version ?? ((i) => (i % 2 === 0 ? '1.6' : '2.0.1')), () => clock.now());
    // The stations get their fail-safe profiles before the first car arrives.
    await clock.advanceTo(sc.start, settle);

    const ms = (t: number) => sc.start + t * 1000;
    const measure = new SiteMeasure(sc.site);
    const evses = new Map(sc.site.evses.map((e) => [e.id, e]));
    const live = new Map<string, LiveCar>();
    const outcomes: CarOutcome[] = [];
    const timeline = new Timeline(sc);
    const limitEventAt: number[] = [];
    const arrived: Array<{ station: TwinStation; at: number; until: number }> = [];
    let maxSessions = 0;

    for (let t = 0; t < durationS; t++) {
      const now = ms(t);
      await clock.advanceTo(now, settle);
      const happens = timeline.at(t);
      const stops: Array<Promise<unknown>> = [];
      for (const car of happens.departing) {
        const l = live.get(car.id);
        if (!l) continue;
        outcomes.push(outcomeOf(car, l.deliveredKwh));
        live.delete(car.id);
        stops.push(l.station.stop());
      }
      // A car leaving and the next one plugging in on the same EVSE: the stop goes first.
      await Promise.all(stops);
      const sent: Array<Promise<unknown>> = [];
      for (const car of happens.arriving) {
        const station = stations.get(car.evseId)!;
        live.set(car.id, { spec: car, station, soc: car.socPct, deliveredKwh: 0, draw: { evsePhaseA: [0, 0, 0], powerW: 0 }, arrivedAt: now });
        arrived.push({ station, at: now, until: ms(car.departS) });
        sent.push(station.start(car.id));
      }
      for (const o of happens.limitEvents) {
        limitEventAt.push(now);
        sent.push('clear' in o ? send(server, 'DELETE', `/site/circuits/${o.circuitId}/override`) : send(server, 'PUT', `/site/circuits/${o.circuitId}/override`, { ...(o.limitA !== undefined ? { limitA: o.limitA } : {}), ...(o.maxPowerKw !== undefined ? { maxPowerKw: o.maxPowerKw } : {}), until: o.until === undefined ? null : new Date(o.until).toISOString() }));
      }
      for (const r of happens.readings) {
        sent.push(send(server, 'POST', '/site/meter-readings', { circuitId: r.circuitId, currentA: r.currentA.map((a) => Math.round(a * 100) / 100), measuredAt: new Date(now).toISOString() }));
      }
      if (happens.stationReport) {
        for (const l of live.values()) if (l.arrivedAt < now) sent.push(l.station.report({ ...l.draw, socPct: l.station.rating.kind === 'DC' ? l.soc : null }));
      }
      if (sent.length) {
        await Promise.all(sent);
        await settle();
      }
      await clock.advanceTo(ms(t + 1) - 1, settle);

      // What the cars draw under the limits their stations hold now, measured at every circuit and phase.
      measure.reset();
      maxSessions = Math.max(maxSessions, live.size);
      for (const l of live.values()) {
        const evse = evses.get(l.spec.evseId)!;
        const b = l.spec.behaviour;
        const limit = l.station.limit(b.kind === 'delayed' ? b.delayS : 0);
        const followed = limit === null ? { value: Infinity, unit: 'A' as const, phasesToUse: evse.phases } : { value: limit, unit: evse.kind === 'AC' ? ('A' as const) : ('W' as const), phasesToUse: evse.phases };
        const draw = carDraw(l.spec, l.soc, followed, physicalEvse(evse, v), b.kind === 'ignores');
        l.draw = draw;
        measure.addEvse(evse.id, draw.evsePhaseA);
        const kwh = draw.powerW / 3.6e6;
        l.deliveredKwh += kwh;
        l.soc += (kwh / l.spec.batteryKwh) * 100;
        l.station.addEnergy(kwh * 1000);
      }
      for (const b of sc.buildingLoad) measure.addLoad(b.circuitId, b.at(t));
      measure.check(t, timeline.limits);
    }
    for (const l of live.values()) outcomes.push(outcomeOf(l.spec, l.deliveredKwh));
    await options.inspect?.(server, stations);
    const all = [...stations.values()];
    return {
      name: sc.name,
      mode: 'ocpp',
      simulatedS: durationS,
      ...measure.safety,
      coreViolations: probe.coreViolations,
      ...totalsOf(outcomes),
      cycles: probe.cycleMs.length,
      cycleMs: probe.cycleMs,
      maxSessions,
      stations: { '1.6': all.filter((s) => s.version === '1.6').length, '2.0.1': all.filter((s) => s.version === '2.0.1').length },
      traffic: trafficOf(all, probe, arrived, limitEventAt),
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Promise.all([...stations.values()].map((s) => s.close().catch(() => undefined)));
    await server.stop();
    clearInterval(keepAlive);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One strict OCPP station per EVSE, connected and booted, 16 at a time. */
async function connectStations(server: TestServer, sc: Scenario, versionOf: (index: number) => OcppVersion, now: () => number): Promise<Map<string, TwinStation>> {
  const stations = new Map<string, TwinStation>();
  const v = sc.site.voltageV ?? 230;
  for (let i = 0; i < sc.site.evses.length; i += 16) {
    await Promise.all(sc.site.evses.slice(i, i + 16).map(async (e, k) => {
      const version = versionOf(i + k);
      const cp = await strictStation(server, e.id, version, { register: false, callTimeoutMs: 60_000 });
      const p = physicalEvse(e, v);
      stations.set(e.id, new TwinStation(cp, e.id, version, { kind: e.kind, phases: e.phases, voltageV: p.voltageV, dcEfficiency: p.dcEfficiency }, now));
    }));
  }
  return stations;
}
