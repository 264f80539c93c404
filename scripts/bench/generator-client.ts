/** The runner's side of the load generator: a child process spoken to over IPC (see load-generator.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, WindowStats } from './load-fleet.ts';
import type { ProbeResult } from './load-generator.ts';
import type { OcppVersion } from '../sim/station.ts';

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface StormResult {
  ms: number;
  done: number;
  accepted: number;
  perStation: { p50: number; p99: number; max: number };
  connectRetries: number;
  connectFailures: number;
  bootFailures: number;
}

export interface ChurnResult {
  sessions: number;
  rounds: number;
  startBurstMs: number[];
  stopBurstMs: number[];
  started: number;
  stopped: number;
  failed: number;
  /** Charging profiles the churning stations got: SetChargingProfile received and accepted, ClearChargingProfile. */
  profiles: { received: number; accepted: number; cleared: number; afterStartMs: { p50: number; p99: number; max: number } | null };
}

export class GeneratorClient {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), [], {
      execPath: process.execPath,
      execArgv: ['--max-old-space-size=2048'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.result);
      else w.reject(new Error(`load generator: ${reply.error}`));
    });
    this.child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load generator exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private request<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  probe(url: string, versions: OcppVersion[]): Promise<ProbeResult> {
    return this.request('probe', { url, versions });
  }
  configure(options: LoadOptions): Promise<void> {
    return this.request('configure', { options });
  }
  grow(total: number, concurrency: number, timeoutMs: number): Promise<{ ms: number; accepted: number; timedOut: boolean }> {
    return this.request('grow', { total, concurrency, timeoutMs });
  }
  setMeterInterval(sec: number): Promise<void> {
    return this.request('setMeterInterval', { sec });
  }
  window(seconds: number): Promise<WindowStats> {
    return this.request('window', { seconds });
  }
  beginWindow(): Promise<void> {
    return this.request('beginWindow');
  }
  endWindow(): Promise<WindowStats> {
    return this.request('endWindow');
  }
  expectClose(): Promise<void> {
    return this.request('expectClose');
  }
  closeAll(): Promise<void> {
    return this.request('closeAll');
  }
  destroyAll(): Promise<void> {
    return this.request('destroyAll');
  }
  storm(url: string, total: number, timeoutMs: number): Promise<StormResult> {
    return this.request('storm', { url, total, timeoutMs });
  }
  churn(sessions: number, rounds: number, holdSec: number): Promise<ChurnResult> {
    return this.request('churn', { sessions, rounds, holdSec });
  }
  churnStations(sessions: number): Promise<string[]> {
    return this.request('churnStations', { sessions });
  }
  totals(): Promise<Record<string, number>> {
    return this.request('totals');
  }

  /** Immediate stop (when the benchmark is interrupted). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request('exit').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
