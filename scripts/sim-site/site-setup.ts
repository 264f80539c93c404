import type { CircuitModel, EvseModel, PriceSlot } from '../../src/balancer/core/types.ts';
import { placeStation, sendJson } from '../../src/testing/balancer-station.ts';
import type { TestServer } from '../../src/testing/server.ts';
import type { CarSpec, Scenario } from './scenario.ts';
import { needOf } from './simulate.ts';

const DAY_MS = 86_400_000;
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
/** The UTC time of day of `ms` as 'HH:MM:SS' (a departure to the second, as the in-process core gets it). */
const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const minuteOfDay = (ms: number) => Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);

/** A REST call that must succeed. */
export async function send(server: TestServer, method: string, path: string, body?: unknown): Promise<any> {
  const res = await sendJson(server, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/** A day-periodic price schedule (UTC) as the site's daily price windows: the 24 h from the scenario's midnight. */
export function priceWindows(slots: PriceSlot[], start: number): Array<{ from: string; to: string; price: number }> {
  const day0 = start - (start % DAY_MS);
  const out: Array<{ from: string; to: string; price: number; toMinute: number }> = [];
  for (const s of [...slots].sort((a, b) => a.from - b.from)) {
    const from = Math.max(s.from, day0);
    const to = Math.min(s.to, day0 + DAY_MS);
    if (to <= from) continue;
    const fromMinute = (from - day0) / 60_000;
    const toMinute = (to - day0) / 60_000;
    const last = out.at(-1);
    if (last && last.price === s.price && last.toMinute === fromMinute) Object.assign(last, { to: hhmm(toMinute), toMinute });
    else out.push({ from: hhmm(fromMinute), to: hhmm(toMinute), price: s.price, toMinute });
  }
  return out.map(({ toMinute: _t, ...w }) => w);
}

function circuitBody(c: CircuitModel) {
  return {
    id: c.id, parentId: c.parentId ?? null, limitA: c.limitA, maxPowerKw: c.maxPowerKw ?? null, marginA: c.marginA ?? 0,
    schedule: (c.schedule ?? []).map((w) => ({
      ...(w.days ? { days: w.days } : {}), from: hhmm(w.fromMinute), to: hhmm(w.toMinute),
      ...(w.limitA !== undefined ? { limitA: w.limitA } : {}), ...(w.maxPowerKw !== undefined ? { maxPowerKw: w.maxPowerKw } : {}),
    })),
    meter: c.metered ? { kind: 'push', measures: 'non-charger', staleAfterSeconds: 30 } : null,
    fallbackLoadA: c.fallbackLoadA ?? null,
  };
}

/** One station per EVSE of the scenario, with that EVSE as its EVSE 1. */
function electricalOf(e: EvseModel) {
  return {
    circuitId: e.circuitId,
    evses: [{
      evseId: 1, kind: e.kind, phases: e.phases, ...(e.rotation ? { rotation: e.rotation } : {}), unit: e.unit,
      maxCurrentA: e.maxCurrentA ?? null, maxPowerW: e.maxPowerW ?? null, minPowerW: e.minPowerW ?? null, minCurrentA: e.minCurrentA ?? null, voltageV: e.voltageV ?? null,
    }],
    quirks: { minCurrentA: e.quirks?.minCurrentA ?? null, stepA: e.quirks?.stepA ?? null },
  };
}

/**
 * A car as a fleet vehicle: the controller learns what the in-process simulator tells the core — for fleet cars
 * the departure (the next one after the session starts, as a weekly 'HH:MM:SS', to the second as the in-process core gets it) and the energy
 * (AC) or target state of charge (DC, whose stations report SoC); with a fleet schedule also when it plugs in
 * (and then the energy).
 */
function vehicleOf(car: CarSpec, sc: Scenario) {
  const dc = sc.site.evses.find((e) => e.id === car.evseId)?.kind === 'DC';
  const departAt = sc.start + car.departS * 1000;
  const need = Math.floor(needOf(car) * 100) / 100;
  const departure = {
    days: [new Date(departAt).getUTCDay()], at: hhmmss(departAt),
    // A vehicle expected before it plugs in is planned for by energy (the site takes one target or the other).
    ...(dc && !sc.fleetSchedule ? { targetSocPct: car.targetSocPct } : { targetEnergyKwh: need }),
    ...(sc.fleetSchedule ? { arriveAt: hhmm(minuteOfDay(sc.start + car.arriveS * 1000)) } : {}),
  };
  return {
    id: car.id, name: car.id, idTokens: [car.id], priority: car.priority,
    phases: car.phasesDeclared ? car.phases : null,
    maxChargeKw: car.fleet ? car.maxPowerW / 1000 : null,
    batteryKwh: car.fleet && dc ? car.batteryKwh : null,
    departures: car.fleet ? [departure] : [],
    home: sc.fleetSchedule && car.fleet ? { stationId: car.evseId, evseId: 1 } : null,
  };
}

/** Configures the scenario's site through the REST API: driver timing, prices, circuits, stations, id tokens, vehicles. */
export async function configureSite(server: TestServer, sc: Scenario, leaseSeconds?: number): Promise<void> {
  await send(server, 'PATCH', '/site/config', {
    voltageV: sc.site.voltageV ?? 230, timeZone: sc.site.timeZone ?? 'UTC',
    prices: { default: null, windows: sc.prices ? priceWindows(sc.prices, sc.start) : [] },
    // Command timeouts are real time (the stations answer at once); the rest is simulated time.
    driver: { cycleSeconds: sc.cycleS, followSeconds: sc.increaseDelayS, commandTimeoutSeconds: 60, ...(leaseSeconds ? { leaseSeconds } : {}) },
  });
  for (const c of sc.site.circuits) await send(server, 'POST', '/site/circuits', circuitBody(c));
  await inBatches(sc.site.evses, 16, (e) => placeStation(server, e.id, electricalOf(e)));
  await inBatches(sc.cars, 16, (car) => send(server, 'POST', '/id-tokens', { token: car.id }));
  await inBatches(sc.cars, 16, (car) => send(server, 'POST', '/site/vehicles', vehicleOf(car, sc)));
}
