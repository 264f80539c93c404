import type { Services } from '../../src/app/services.ts';
import type { LastCycle } from '../../src/balancer/driver/driver.ts';
import { violations } from '../../src/balancer/core/violations.ts';

/**
 * Watches the in-process server: the commands it has sent and not yet finished with (the simulator waits for
 * none before it advances time), how they ended, every allocation cycle's time and the core's own check of it.
 */
export class ServerProbe {
  inFlight = 0;
  readonly outcomes = { accepted: 0, refused: 0, failed: 0 };
  readonly cycleMs: number[] = [];
  coreViolations = 0;
  private waiters: Array<() => void> = [];
  private seen: LastCycle | undefined;
  private readonly services: Services;

  constructor(services: Services) {
    this.services = services;
    const { commands, metrics } = services;
    const run = commands.run.bind(commands);
    commands.run = (...args: Parameters<typeof run>) => {
      this.inFlight++;
      return run(...args)
        .then((outcome) => {
          if (outcome.status === 'accepted') this.outcomes.accepted++;
          else this.outcomes.refused++;
          return outcome;
        }, (error: unknown) => {
          this.outcomes.failed++;
          throw error;
        })
        .finally(() => {
          if (--this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
        });
    };
    const observe = metrics.observeAllocationCycle.bind(metrics);
    metrics.observeAllocationCycle = (seconds: number) => {
      this.cycleMs.push(seconds * 1000);
      observe(seconds);
    };
  }

  /** Resolves once no command is in flight and two turns of the event loop passed without one starting. */
  async quiet(): Promise<void> {
    for (let calm = 0; calm < 2;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inFlight > 0) {
        calm = 0;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      } else calm++;
    }
    this.checkCycle();
  }

  /** The core's own check of the newest cycle (each cycle runs in a timer the simulator fires, then waits for quiet). */
  private checkCycle(): void {
    const last = this.services.balancer.driver.lastCycle();
    if (!last || last === this.seen) return;
    this.seen = last;
    this.coreViolations += violations(last.core.site, last.state, last.result).length;
  }
}

