import type { Services } from '../../app/services.ts';
import { systemClock, type Clock, type ClockTimer } from '../clock.ts';
import type { ChargingLimit } from '../../domain/charging-limits.ts';
import type { EvChargingNeeds } from '../../domain/ev-charging.ts';
import type { LiveReadingsRepo } from '../../storage/live-readings-repo.ts';
import { allocate, applicableIncreases, orderTransition, type AllocationResult, type BalancerMemory, type EvseAllocation, type SiteState, type TransitionStep } from '../core/index.ts';
import type { MeterReadings } from '../meter/meter-readings.ts';
import { priceSlots } from '../site/local-time.ts';
import type { SiteSnapshot } from '../site/model.ts';
import type { SiteModelService } from '../site/site-service.ts';
import { coreSite, evseKey, type CoreSite, type StationLimits } from '../site/to-core.ts';
import { FallbackKeeper } from './fallback-keeper.ts';
import { fallbackShares, type FallbackShare } from './fallback-shares.ts';
import { liveState, sessionEnergyKwh, type AppliedView, type ManagedSession, type Phantom } from './live-state.ts';
import { readingOf, type SessionReading } from './measurements.ts';
import { allocationLevel, allocationProfile, allocationPurpose, FALLBACK_STACK_LEVEL, shareValue } from './profiles.ts';
import { DriverStateRepo } from './driver-state-repo.ts';
import { sameCommand, SessionCommands, weight } from './session-commands.ts';
import { limitNow } from './external-limits.ts';

/** The driver's memory is saved at least this often while sessions run (and whenever they change). */
const STATE_SAVE_INTERVAL_MS = 30_000;

export interface DriverDeps {
  services: Services;
  site: SiteModelService;
  meters: MeterReadings;
  readings: LiveReadingsRepo;
  /** Real time unless a simulator drives it (scripts/sim-site). */
  clock?: Clock;
}

/** The last cycle, for the explainability API. */
export interface LastCycle {
  at: number;
  result: AllocationResult;
  state: SiteState;
  core: CoreSite;
  sessions: Map<string, ManagedSession>;
  shares: Map<string, FallbackShare>;
  cycleMs: number;
}

interface Overdraw {
  since: number;
  peakA: number;
  flagged: boolean;
  okSince: number | null;
}

/**
 * The thin driver around the pure allocation core. On events (sessions, meter values, limits, EV needs, site
 * edits; gathered for `debounceMs`) and every `cycleSeconds` it builds the core's live state from the domain,
 * calls `allocate`, and applies the change through the smart-charging commands: reductions at once, increases
 * only when no reduction is still unanswered and `applicableIncreases` says they fit what every EVSE may still
 * draw (a reduction counts at its old value until acknowledged and followed; an unanswered command at the higher
 * of old and new). A command that times out or is refused is assumed not applied: the core reserves the old value
 * (so the others are tightened) and it is sent again. It also keeps every managed station's fail-safe profiles.
 */
export class BalancerDriver {
  private readonly deps: DriverDeps;
  private readonly clock: Clock;
  private readonly fallback: FallbackKeeper;
  private readonly commands = new Map<string, SessionCommands>();
  /**
   * Sessions' readings as last read; a meter value marks its session's entry stale rather than deleting it (a
   * deletion and an insertion per meter value made the table be rebuilt again and again).
   */
  private readonly readingCache = new Map<number, { reading: SessionReading; stale: boolean }>();
  private readonly needsCache = new Map<string, EvChargingNeeds[]>();
  private readonly limitsCache = new Map<string, ChargingLimit[]>();
  private readonly needsBaseline = new Map<string, number>();
  private readonly overdraw = new Map<string, Overdraw>();
  private readonly warned = new Set<string>();
  private readonly reconnecting = new Map<string, ClockTimer>();
  private core: { key: string; value: CoreSite; shares: Map<string, FallbackShare> } | undefined;
  private memory: BalancerMemory | undefined;
  private last: LastCycle | undefined;
  private pendingIncreases: TransitionStep[] = [];
  private cycleTimer: ClockTimer | undefined;
  private increaseTimer: ClockTimer | undefined;
  private periodic: ClockTimer | undefined;
  private renewal: ClockTimer | undefined;
  private prices: { key: string; slots: ReturnType<typeof priceSlots> } | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private stopped = false;
  private readonly stateRepo: DriverStateRepo;
  private saved: { at: number; sessions: string } | undefined;

  constructor(deps: DriverDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? systemClock;
    const { services } = deps;
    this.fallback = new FallbackKeeper({ commands: services.commands, chargingProfiles: services.chargingProfiles, log: services.log, timeoutMs: () => this.timeoutMs() });
    this.stateRepo = new DriverStateRepo(services.db);
    const restored = this.stateRepo.load();
    if (restored) {
      this.memory = restored.memory;
      for (const [key, kwh] of Object.entries(restored.needsBaseline)) this.needsBaseline.set(key, kwh);
    }
  }

  start(): void {
    const { services, site, meters } = this.deps;
    this.unsubscribe.push(services.events.subscribe((event) => {
      switch (event.type) {
        case 'transaction.started':
          this.schedule();
          return;
        case 'transaction.updated':
          // Read again when the next cycle needs it, not on every meter value (hot path; most stations are unmanaged).
          this.markReadingStale(event.data.id);
          this.schedule();
          return;
        case 'transaction.ended':
          this.sessionEnded(event.data.id, event.data.stationId, event.data.evseId);
          this.schedule();
          return;
        case 'charging-limit.updated':
          this.limitsCache.delete(event.data.stationId);
          this.schedule();
          return;
        case 'ev.charging-needs':
          this.needsCache.delete(event.data.stationId);
          this.schedule();
          return;
        case 'station.booted':
          if (event.data.registration === 'accepted') this.stationReconnected(event.data.stationId);
          return;
        case 'station.updated':
          if (event.data.connected && event.data.registration === 'accepted' && !this.fallbackSentSince(event.data.id)) this.stationReconnected(event.data.id);
          if (!event.data.connected) {
            this.fallback.forget(event.data.id);
            this.schedule();
          }
          return;
        default:
      }
    }));
    let managed = new Set(site.snapshot().stations.map((s) => s.stationId));
    this.unsubscribe.push(site.onChange(() => {
      const now = new Set(site.snapshot().stations.map((s) => s.stationId));
      for (const id of managed) if (!now.has(id)) this.released(id);
      managed = now;
      this.core = undefined;
      this.prices = undefined;
      this.restartTimers();
      this.refreshFallbacks(false);
      this.schedule();
    }));
    this.unsubscribe.push(meters.onReading((reading, previous) => {
      if (!previous || Math.max(...reading.currentA.map((a, p) => Math.abs(a - previous.currentA[p]!))) >= 1) this.schedule();
    }));
    this.restartTimers();
    this.schedule();
  }

  stop(): void {
    if (!this.stopped && this.saved) this.saveState(this.clock.now());
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const timer of [this.cycleTimer, this.increaseTimer, ...this.reconnecting.values()]) this.clock.clearTimeout(timer);
    for (const timer of [this.periodic, this.renewal]) this.clock.clearInterval(timer);
  }

  lastCycle(): LastCycle | undefined {
    return this.last;
  }

  /** What the driver knows of a session's commands (for the explainability API). */
  sessionCommands(sessionId: string): SessionCommands | undefined {
    return this.commands.get(sessionId);
  }

  nonCompliant(sessionId: string): { peakA: number; since: number } | undefined {
    const o = this.overdraw.get(sessionId);
    return o?.flagged ? { peakA: o.peakA, since: o.since } : undefined;
  }

  /** The newest measurement of a session's station. */
  reading(transactionId: number): SessionReading | undefined {
    return this.readingOf(transactionId);
  }

  /**
   * The highest station-wide limit (EVSE 0) a manual profile may set on a managed station, in `unit`: its fail-safe
   * share, which must hold whenever Ampyard is gone. Undefined when load management does not manage the station.
   */
  failSafeLimit(stationId: string, unit: 'A' | 'W'): number | undefined {
    const snapshot = this.deps.site.snapshot();
    if (!snapshot.config.enabled || !this.deps.site.station(stationId)) return undefined;
    if (!this.core) this.coreModel(snapshot, this.managedSessions(snapshot));
    const share = this.core!.shares.get(stationId);
    return share ? shareValue(share, share.shareA, unit, snapshot.config.voltageV) : undefined;
  }

  fallbackStatus(stationId: string): string {
    return this.fallback.status(stationId);
  }

  /** Runs a cycle after the debounce time (events arriving meanwhile join it). */
  schedule(): void {
    if (this.stopped || this.cycleTimer) return;
    this.cycleTimer = this.clock.setTimeout(() => {
      this.cycleTimer = undefined;
      try {
        this.cycle();
      } catch (error) {
        this.deps.services.log.error('load balancing cycle failed', { error: (error as Error).stack ?? String(error) });
      }
    }, this.settings().debounceMs);
    this.cycleTimer.unref();
  }

  /** One allocation cycle, now: computes and sends (it does not wait for the stations' answers). */
  cycle(): void {
    const snapshot = this.deps.site.snapshot();
    if (!snapshot.config.enabled || snapshot.stations.length === 0) return;
    const now = this.clock.now();
    const started = performance.now();
    const sessions = this.managedSessions(snapshot);
    const core = this.coreModel(snapshot, sessions);
    this.trackOverdraw(sessions, now);
    const state = liveState({
      now, core: core.value, snapshot,
      sessions: [...sessions.values()],
      reading: (id) => this.readingOf(id),
      needs: (s) => this.needsOf(s.tx.stationId).find((n) => n.evseId === s.tx.evseId && (n.transactionId === null || n.transactionId === s.tx.id)),
      needsBaselineKwh: (s, n) => this.baseline(s, n),
      evseLimit: (stationId, evseId) => this.externalLimit(stationId, evseId, now),
      vehicleByToken: (token) => this.deps.site.vehicleByToken(token),
      applied: (sessionId) => this.appliedView(sessionId, sessions, core.shares, now),
      meters: this.deps.meters,
      phantoms: this.phantoms(core.value, core.shares, sessions),
      prices: this.priceSlots(snapshot, now),
      memory: this.memory,
    });
    const result = allocate(core.value.site, state);
    const cycleMs = performance.now() - started;
    this.deps.services.metrics.observeAllocationCycle(cycleMs / 1000);
    this.memory = result.memory;
    const previous = this.last;
    this.last = { at: now, result, state, core: core.value, sessions, shares: core.shares, cycleMs };
    this.apply(result, sessions, now);
    this.publishChanges(previous, this.last);
    const keys = [...sessions.keys()].join(',');
    if (!this.saved || this.saved.sessions !== keys || now - this.saved.at >= STATE_SAVE_INTERVAL_MS) this.saveState(now, keys);
  }

  /**
   * Keeps what must survive a restart (the core's memory, needs baselines of running sessions): when the set of
   * sessions changes and at least every STATE_SAVE_INTERVAL_MS. Confirmed limits need not be kept: a restarted
   * server sends every managed station its fail-safe profiles and allocations again when it reconnects.
   */
  private saveState(now: number, sessions = this.saved?.sessions ?? ''): void {
    this.saved = { at: now, sessions };
    const running = new Set(sessions.split(','));
    for (const key of this.needsBaseline.keys()) if (!running.has(key.slice(0, key.indexOf('@')))) this.needsBaseline.delete(key);
    const state = { memory: this.memory, needsBaseline: Object.fromEntries(this.needsBaseline) };
    this.deps.services.writes.run(() => this.stateRepo.save(state, now))
      .catch((error: Error) => this.deps.services.log.warn('could not save the load-management state', { error: error.message }));
  }

  private apply(result: AllocationResult, sessions: Map<string, ManagedSession>, now: number): void {
    const { link } = this.deps.services;
    const live = result.evses.filter((a) => sessions.has(a.sessionId) && link.isConnected(sessions.get(a.sessionId)!.tx.stationId));
    const previous: EvseAllocation[] = [];
    const next: EvseAllocation[] = [];
    const forced: EvseAllocation[] = [];
    for (const a of live) {
      const s = sessions.get(a.sessionId)!;
      const cmd = this.commandsOf(s);
      const told = cmd.lastTold();
      if (told && sameCommand(told.allocation, a) && !cmd.stale && !cmd.failed) continue;
      if (cmd.failed || cmd.stale) {
        forced.push(a);
        continue;
      }
      if (told) previous.push(told.allocation);
      next.push(a);
    }
    const transition = orderTransition(previous, next);
    for (const a of forced) {
      const cmd = this.commands.get(a.sessionId)!;
      const reference = cmd.mayDraw(now);
      const step = { evseId: a.evseId, sessionId: a.sessionId, from: reference?.currentA ?? 0, to: a.currentA, allocation: a };
      if (!reference || weight(a) <= weight(reference)) transition.reductions.push(step);
      else transition.increases.push(step);
    }
    for (const step of transition.reductions) this.send(sessions.get(step.sessionId)!, step.allocation, true);
    this.pendingIncreases = transition.increases;
    this.tryIncreases();
  }

  /** Sends the waiting increases that fit now; the rest wait for reductions to be answered and followed. */
  private tryIncreases(): void {
    this.clock.clearTimeout(this.increaseTimer);
    this.increaseTimer = undefined;
    const last = this.last;
    if (!last || this.pendingIncreases.length === 0 || this.stopped) return;
    for (const cmd of this.commands.values()) if (cmd.hasReductionInFlight()) return;
    const now = this.clock.now();
    const steps = this.pendingIncreases.filter((s) => last.sessions.has(s.sessionId));
    const inForce = last.result.evses.flatMap((a) => {
      const cmd = this.commands.get(a.sessionId);
      const known = cmd?.mayDraw(now);
      // A draw the core holds against it (measured over its limit, assumed for an unreachable station); a session
      // never told anything is held at 0 by the fail-safe default profile until its first allocation.
      const reserved = a.reservedA > a.currentA ? { ...a, currentA: a.reservedA } : undefined;
      const worst = [known, reserved].filter((x): x is EvseAllocation => x !== undefined).sort((x, y) => weight(y) - weight(x))[0];
      return worst ? [worst] : [];
    });
    const ready = new Set(applicableIncreases(last.core.site, { ...last.state, now }, inForce, steps).map((s) => s.sessionId));
    for (const step of steps) if (ready.has(step.sessionId)) this.send(last.sessions.get(step.sessionId)!, step.allocation, false);
    this.pendingIncreases = steps.filter((s) => !ready.has(s.sessionId));
    if (this.pendingIncreases.length) {
      let wake = now + 1000;
      for (const cmd of this.commands.values()) if (cmd.followUntil > now) wake = Math.min(wake, cmd.followUntil + 10);
      this.increaseTimer = this.clock.setTimeout(() => this.tryIncreases(), Math.max(10, wake - now));
      this.increaseTimer.unref();
    }
  }

  private send(session: ManagedSession, allocation: EvseAllocation, reduction: boolean): void {
    const { services } = this.deps;
    const { tx, evse } = session;
    const cmd = this.commandsOf(session);
    const seq = cmd.sending(allocation, reduction, this.clock.now());
    const profile = allocationProfile(allocation, evse.station, evse.electrical, tx.id);
    const id = services.chargingProfiles.idInSlot(tx.stationId, tx.evseId, profile.purpose, profile.stackLevel);
    services.commands
      .run(tx.stationId, 'setChargingProfile', { evseId: tx.evseId, profile: id === undefined ? profile : { ...profile, id } }, this.timeoutMs())
      .then((outcome) => {
        if (outcome.status === 'accepted') cmd.accepted(seq, this.clock.now(), this.settings().followSeconds * 1000);
        else this.failed(cmd, seq, `the station answered ${outcome.status}`);
      })
      .catch((error: Error) => this.failed(cmd, seq, error.message))
      .finally(() => {
        if (reduction) this.tryIncreases();
      });
  }

  private failed(cmd: SessionCommands, seq: number, why: string): void {
    cmd.rejected(seq, why);
    const key = `${cmd.sessionId}:${why}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.deps.services.log.warn('a station did not apply its allocation; assuming the worst case until it does', { station: cmd.stationId, evse: cmd.evseId, transaction: cmd.transactionId, why });
    }
    this.schedule();
  }

  private commandsOf(s: ManagedSession): SessionCommands {
    const id = String(s.tx.id);
    let cmd = this.commands.get(id);
    if (!cmd) this.commands.set(id, (cmd = new SessionCommands(id, s.tx.stationId, s.tx.evseId, s.tx.id)));
    return cmd;
  }

  /** The view the core gets of a session's commands: its confirmed limit and, when in doubt, the draw to assume. */
  private appliedView(sessionId: string, sessions: Map<string, ManagedSession>, shares: Map<string, FallbackShare>, now: number): AppliedView {
    const cmd = this.commands.get(sessionId);
    const view: AppliedView = {};
    if (cmd?.confirmed) view.lastAllocation = { currentA: cmd.confirmed.allocation.currentA, at: cmd.confirmed.at };
    const told = cmd?.lastTold()?.allocation.currentA ?? 0;
    const assume = (amps: number) => {
      if (amps <= told + 1e-9) return;
      view.assumeA = Math.max(view.assumeA ?? 0, amps);
      view.commandedA = told;
    };
    if (cmd?.failed) assume(cmd.worstA(now));
    const o = this.overdraw.get(sessionId);
    // A station seen over its limit may draw its peak and a little more (the same tolerance the core allows a measured draw).
    if (o?.flagged) assume(o.peakA + (this.deps.site.snapshot().config.balancer.overdrawToleranceA ?? 1));
    const s = sessions.get(sessionId);
    if (s && !this.deps.services.link.isConnected(s.tx.stationId)) assume(Math.max(cmd?.worstA(now) ?? 0, this.offlineDrawA(s.tx.stationId, shares)));
    return view;
  }

  /** What an unreachable station may draw: its share once it holds the fail-safe profile, else anything. */
  private offlineDrawA(stationId: string, shares: Map<string, FallbackShare>): number {
    const share = shares.get(stationId);
    if (!share) return 0;
    return this.fallback.acknowledged(stationId) ? share.shareA : share.physicalA;
  }

  /** Offline stations that were ever connected: their phases not covered by a known session get a reservation. */
  private phantoms(core: CoreSite, shares: Map<string, FallbackShare>, sessions: Map<string, ManagedSession>): Phantom[] {
    const { link, stations } = this.deps.services;
    const out: Phantom[] = [];
    const byStation = new Map<string, Array<typeof core.evses extends Map<string, infer V> ? V : never>>();
    for (const e of core.evses.values()) byStation.set(e.stationId, [...(byStation.get(e.stationId) ?? []), e]);
    for (const [stationId, evses] of byStation) {
      if (link.isConnected(stationId)) continue;
      const station = stations.get(stationId);
      if (!station || (station.connectedAt === null && station.lastBootAt === null)) continue;
      const assumeA = this.offlineDrawA(stationId, shares);
      if (assumeA <= 0) continue;
      const covered = new Set<string>();
      for (const s of sessions.values()) if (s.tx.stationId === stationId) for (const p of gridPhases(s.evse.electrical.rotation)) covered.add(p);
      for (const e of [...evses].sort((a, b) => b.electrical.phases - a.electrical.phases)) {
        const phases = gridPhases(e.electrical.rotation);
        if (phases.every((p) => covered.has(p))) continue;
        for (const p of phases) covered.add(p);
        out.push({ sessionId: `offline:${e.key}`, evse: e, assumeA });
      }
    }
    return out;
  }

  /**
   * A station measured above its confirmed limit (after it had time to follow) for longer than the tolerance is
   * non-compliant: its peak draw is reserved and a warning recorded, until it complies as long again.
   */
  private trackOverdraw(sessions: Map<string, ManagedSession>, now: number): void {
    const toleranceMs = this.settings().overdrawToleranceSeconds * 1000;
    const marginA = this.deps.site.snapshot().config.balancer.overdrawToleranceA ?? 1;
    for (const [id, s] of sessions) {
      const cmd = this.commands.get(id);
      const reading = this.readingOf(s.tx.id);
      if (!cmd?.confirmed || !reading?.currentA || reading.at === null || s.evse.electrical.kind !== 'AC') continue;
      if (reading.at < cmd.confirmed.at + this.settings().followSeconds * 1000) continue;
      const drawn = Math.max(...reading.currentA.slice(0, s.evse.electrical.phases));
      const allowed = cmd.worstA(reading.at);
      let o = this.overdraw.get(id);
      if (drawn > allowed + marginA) {
        if (!o) this.overdraw.set(id, (o = { since: reading.at, peakA: drawn, flagged: false, okSince: null }));
        o.peakA = Math.max(o.peakA, drawn);
        o.okSince = null;
        if (!o.flagged && reading.at - o.since >= toleranceMs) {
          o.flagged = true;
          const message = `EVSE ${s.tx.evseId} draws ${drawn.toFixed(1)} A, above its limit of ${allowed.toFixed(1)} A, for ${Math.round((reading.at - o.since) / 1000)} s; its draw is reserved and the others are tightened`;
          this.deps.services.warnings.add(s.tx.stationId, 'balancer-overdraw', message);
          this.deps.services.log.warn('station does not follow its charging limit', { station: s.tx.stationId, evse: s.tx.evseId, drawnA: drawn, limitA: allowed });
        }
      } else if (o) {
        if (!o.flagged) this.overdraw.delete(id);
        else if (o.okSince === null) o.okSince = reading.at;
        else if (reading.at - o.okSince >= toleranceMs) this.overdraw.delete(id);
      }
    }
    void now;
  }

  private managedSessions(snapshot: SiteSnapshot): Map<string, ManagedSession> {
    const { transactions } = this.deps.services;
    const out = new Map<string, ManagedSession>();
    const core = this.core?.value;
    for (const station of snapshot.stations) {
      for (const tx of transactions.activeOnStation(station.stationId)) {
        if (tx.evseId <= 0) continue;
        const key = evseKey(station.stationId, tx.evseId);
        const evse = core?.evses.get(key);
        // An EVSE the model does not describe yet: the core model is rebuilt with it assumed (see coreModel).
        out.set(String(tx.id), { tx, evse: evse ?? { key, stationId: station.stationId, evseId: tx.evseId, electrical: undefined!, station, assumed: true } });
      }
    }
    for (const id of this.commands.keys()) if (!out.has(id)) this.commands.delete(id);
    for (const id of this.overdraw.keys()) if (!out.has(id)) this.overdraw.delete(id);
    return out;
  }

  private coreModel(snapshot: SiteSnapshot, sessions: Map<string, ManagedSession>) {
    const now = this.clock.now();
    const limits: StationLimits = new Map();
    for (const station of snapshot.stations) {
      const limit = this.externalLimit(station.stationId, 0, now);
      if (limit) limits.set(station.stationId, limit.unit === 'A' ? { limitA: limit.limit } : { maxPowerKw: limit.limit / 1000 });
    }
    // EVSEs with a session that the stored model does not describe, from the snapshot (not from the previous core
    // model, which already holds them as assumed: dropping them would rebuild the model without them).
    const described = new Map(snapshot.stations.map((st) => [st.stationId, new Set(st.evses.map((e) => e.evseId))]));
    const seen = new Map<string, number[]>();
    for (const s of sessions.values()) {
      if (described.get(s.tx.stationId)?.has(s.tx.evseId)) continue;
      seen.set(s.tx.stationId, [...new Set([...(seen.get(s.tx.stationId) ?? []), s.tx.evseId])].sort((a, b) => a - b));
    }
    const key = `${snapshot.version}|${JSON.stringify([...limits])}|${JSON.stringify([...seen])}`;
    if (!this.core || this.core.key !== key) {
      const value = coreSite(snapshot, limits, seen);
      const overrides = new Map(snapshot.circuits.flatMap((c) => (c.override && (c.override.until === null || Date.parse(c.override.until) > now) ? [[c.id, c.override] as const] : [])));
      const shares = fallbackShares(value.site, (id) => value.evses.get(id)!.stationId, overrides);
      const changed = this.core !== undefined;
      this.core = { key, value, shares };
      if (changed) this.refreshFallbacks(false);
    }
    for (const [id, s] of sessions) {
      const evse = this.core.value.evses.get(s.evse.key);
      if (evse) s.evse = evse;
      else sessions.delete(id); // cannot happen: every session's station is in the snapshot and its EVSE described or seen
    }
    return this.core;
  }

  /** Sends the fail-safe profiles to connected managed stations that need them (changed, due for renewal). */
  private refreshFallbacks(force: boolean, only?: string): void {
    const snapshot = this.deps.site.snapshot();
    if (!snapshot.config.enabled || this.stopped) return;
    if (!this.core) this.coreModel(snapshot, this.managedSessions(snapshot));
    const { link, stations } = this.deps.services;
    const now = this.clock.now();
    for (const station of snapshot.stations) {
      if (only !== undefined && station.stationId !== only) continue;
      const share = this.core!.shares.get(station.stationId);
      if (!share || !link.isConnected(station.stationId) || stations.get(station.stationId)?.registration !== 'accepted') continue;
      void this.fallback.ensure(station, share, snapshot.config.voltageV, snapshot.config.driver.leaseSeconds, now, force);
    }
  }

  private fallbackSentSince(stationId: string): boolean {
    return this.reconnecting.has(stationId) || this.fallback.status(stationId) !== 'none';
  }

  /**
   * A station (re)connected or booted: fail-safe profiles first, then its allocations again. A boot restarts the
   * wait: nothing may be sent before the boot is answered, and the stored profiles re-applied after a boot go first.
   */
  private stationReconnected(stationId: string): void {
    if (!this.deps.site.station(stationId)) return;
    this.clock.clearTimeout(this.reconnecting.get(stationId));
    this.fallback.forget(stationId);
    for (const cmd of this.commands.values()) if (cmd.stationId === stationId) cmd.stale = true;
    const timer = this.clock.setTimeout(() => {
      this.reconnecting.delete(stationId);
      this.refreshFallbacks(true, stationId);
      this.schedule();
    }, RECONNECT_DELAY_MS);
    timer.unref();
    this.reconnecting.set(stationId, timer);
  }

  /** A station taken out of the site model: its fail-safe profiles go (else it would be held at its old share). */
  private released(stationId: string): void {
    this.fallback.forget(stationId);
    const { commands, link, log } = this.deps.services;
    if (!link.isConnected(stationId)) return;
    for (const purpose of ['stationMax', 'txDefault'] as const) {
      commands
        .run(stationId, 'clearChargingProfile', { evseId: 0, purpose, stackLevel: FALLBACK_STACK_LEVEL }, this.timeoutMs())
        .catch((error: Error) => log.warn('could not clear the fail-safe profile of a station taken out of the site model', { station: stationId, purpose, error: error.message }));
    }
  }

  private sessionEnded(transactionId: number, stationId: string, evseId: number): void {
    this.readingCache.delete(transactionId);
    // An increase still waiting for reductions to be followed must not go out to a transaction that has ended.
    this.pendingIncreases = this.pendingIncreases.filter((s) => s.sessionId !== String(transactionId));
    const cmd = this.commands.get(String(transactionId));
    this.commands.delete(String(transactionId));
    const station = this.deps.site.station(stationId);
    // Stations without TxProfile hold the session's limit in a per-EVSE default: back to 0 for the next car.
    if (!station?.quirks.noTxProfile || !cmd?.lastTold() || !this.deps.services.link.isConnected(stationId)) return;
    const { chargingProfiles, commands, log } = this.deps.services;
    const purpose = allocationPurpose(station.quirks);
    const stackLevel = allocationLevel(station.quirks);
    const id = chargingProfiles.idInSlot(stationId, evseId, purpose, stackLevel);
    const unit = cmd.lastTold()!.allocation.unit;
    const profile = { ...(id === undefined ? {} : { id }), stackLevel, purpose, kind: 'relative', schedule: { unit, periods: [{ startSeconds: 0, limit: 0 }] } };
    commands.run(stationId, 'setChargingProfile', { evseId, profile }, this.timeoutMs()).catch((error: Error) => log.warn('could not reset an EVSE’s default limit after its session', { station: stationId, evse: evseId, error: error.message }));
  }

  private readingOf(transactionId: number): SessionReading {
    let cached = this.readingCache.get(transactionId);
    if (!cached) this.readingCache.set(transactionId, (cached = { reading: readingOf([]), stale: true }));
    if (cached.stale) {
      cached.reading = readingOf(this.deps.readings.latest(transactionId));
      cached.stale = false;
    }
    return cached.reading;
  }

  private markReadingStale(transactionId: number): void {
    const cached = this.readingCache.get(transactionId);
    if (cached) cached.stale = true;
  }

  private needsOf(stationId: string): EvChargingNeeds[] {
    let needs = this.needsCache.get(stationId);
    if (!needs) this.needsCache.set(stationId, (needs = this.deps.services.evCharging.needs(stationId)));
    return needs;
  }

  private baseline(s: ManagedSession, needs: EvChargingNeeds): number {
    const key = `${s.tx.id}@${needs.reportedAt}`;
    let value = this.needsBaseline.get(key);
    if (value === undefined) this.needsBaseline.set(key, (value = sessionEnergyKwh(s.tx)));
    return value;
  }

  private externalLimit(stationId: string, evseId: number, now: number): { unit: 'A' | 'W'; limit: number } | undefined {
    let limits = this.limitsCache.get(stationId);
    if (!limits) this.limitsCache.set(stationId, (limits = this.deps.services.chargingLimits.list(stationId)));
    return limitNow(limits.filter((l) => l.evseId === evseId), now);
  }

  private priceSlots(snapshot: SiteSnapshot, now: number) {
    const { config } = snapshot;
    const slotMs = 15 * 60_000;
    const key = `${snapshot.version}|${Math.floor(now / slotMs)}`;
    if (this.prices?.key !== key) this.prices = { key, slots: priceSlots(config.prices, now, config.balancer.horizonHours ?? 48, config.timeZone) };
    return this.prices.slots;
  }

  private publishChanges(previous: LastCycle | undefined, current: LastCycle): void {
    const before = new Map((previous?.result.evses ?? []).map((a) => [a.sessionId, a]));
    const changed = current.result.evses.filter((a) => {
      if (a.sessionId.startsWith('offline:')) return false;
      const b = before.get(a.sessionId);
      return !b || b.currentA !== a.currentA || b.binding.kind !== a.binding.kind;
    });
    const ended = [...before.keys()].filter((id) => !id.startsWith('offline:') && !current.sessions.has(id));
    if (changed.length === 0 && ended.length === 0) return;
    this.deps.services.events.publish({
      type: 'allocation.changed',
      data: {
        at: new Date(current.at).toISOString(),
        evses: changed.map((a) => {
          const s = current.sessions.get(a.sessionId)!;
          return { stationId: s.tx.stationId, evseId: s.tx.evseId, transactionId: s.tx.id, currentA: a.currentA, limit: a.limit, unit: a.unit, binding: a.binding.kind };
        }),
        ended: ended.map(Number),
      },
    });
  }

  private restartTimers(): void {
    for (const timer of [this.periodic, this.renewal]) this.clock.clearInterval(timer);
    if (this.stopped) return;
    const { cycleSeconds, leaseSeconds } = this.settings();
    this.periodic = this.clock.setInterval(() => this.schedule(), cycleSeconds * 1000);
    this.periodic.unref();
    // Checked often (it sends only what is due): a fail-safe send that failed or timed out is retried within
    // seconds, because a station without its fail-safe profile is not protected if Ampyard stops.
    this.renewal = this.clock.setInterval(() => this.refreshFallbacks(false), Math.max(500, Math.min(2000, (leaseSeconds * 1000) / 6)));
    this.renewal.unref();
  }

  private settings() {
    return this.deps.site.snapshot().config.driver;
  }

  private timeoutMs(): number {
    return this.settings().commandTimeoutSeconds * 1000;
  }
}

/** Longer than reapplyProfilesOnBoot's delay, so the driver's profiles are sent after the stored ones. */
const RECONNECT_DELAY_MS = 1200;
const PHASE_NAMES = ['L1', 'L2', 'L3'];
const gridPhases = (rotation: string[]) => rotation.map((p) => PHASE_NAMES.indexOf(p)).map(String);
