/**
 * Starts a server under test as a child process on 127.0.0.1, waits for its "ready" line, and
 * watches its CPU and memory. Ampyard runs as the built executable (or from source, to profile);
 * the baseline (baseline-server.ts) and the opt-in reference (reference-server.ts) on the same Node.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProcMonitor } from './proc-stats.ts';

export type ServerKind = 'ampyard' | 'baseline' | 'reference';

export interface ServerLaunch {
  kind: ServerKind;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const live = new Set<ChildProcess>();

/** Kill every server this process started that is still running (when the benchmark is interrupted). */
export function killStartedServers(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Options that only newer executables know, used when `--help` lists them. */
const OPTIONAL_FLAGS: Array<{ flag: string; args: string[] }> = [
  // Simulated chargers carry no credentials (security profile 0); see the README on what that leaves out.
  { flag: '--allow-profile0', args: ['--allow-profile0'] },
  // No TLS listener: the benchmark speaks ws:// only, and a fixed TLS port would clash between runs.
  { flag: '--tls-port', args: ['--tls-port', '0'] },
];

const helpCache = new Map<string, string>();

function helpOf(executable: string): string {
  let help = helpCache.get(executable);
  if (help === undefined) {
    const run = spawnSync(executable, ['--help'], { encoding: 'utf8', timeout: 20_000 });
    help = `${run.stdout ?? ''}`;
    helpCache.set(executable, help);
  }
  return help;
}

/**
 * The built executable with a data folder; --accept-unknown and --free-vend so every simulated charger and card
 * is let in, and the optional flags above where the executable has them.
 */
export function ampyardLaunch(executable: string, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): ServerLaunch {
  const help = helpOf(executable);
  const optional = OPTIONAL_FLAGS.filter((o) => help.includes(o.flag)).flatMap((o) => o.args);
  return {
    kind: 'ampyard',
    command: executable,
    args: ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--accept-unknown', '--free-vend', ...optional],
    env: extraEnv,
  };
}

export function baselineLaunch(): ServerLaunch {
  return { kind: 'baseline', command: process.execPath, args: [fileURLToPath(new URL('./baseline-server.ts', import.meta.url)), '--port', '0'] };
}

/** The opt-in reference (reference-server.ts): one durable SQLite row per CALL, on the same Node. */
export function referenceLaunch(dataDir: string): ServerLaunch {
  return { kind: 'reference', command: process.execPath, args: [fileURLToPath(new URL('./reference-server.ts', import.meta.url)), '--port', '0', '--data-dir', dataDir] };
}

export class ServerProcess {
  readonly launch: ServerLaunch;
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  /** Spawn to "ready" line, in ms. */
  readyMs = 0;
  /** What the server itself printed as its start-up time (Ampyard's "ready in N ms"), if it does. */
  selfReportedMs: number | null = null;
  port = 0;
  monitor: ProcMonitor | undefined;
  /** Log lines on stderr by level (Ampyard logs "<time> LEVEL message"). */
  readonly logLevels: Record<string, number> = {};
  /** The last log lines, for diagnosis. */
  readonly logTail: string[] = [];
  private exitInfo: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(launch: ServerLaunch) {
    this.launch = launch;
    this.spawnedAt = performance.now();
    this.child = spawn(launch.command, launch.args, {
      cwd: repoRoot,
      env: { ...process.env, ...launch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.exitInfo = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(launch: ServerLaunch, readyTimeoutMs = 20_000): Promise<ServerProcess> {
    const server = new ServerProcess(launch);
    await server.waitForReady(readyTimeoutMs);
    server.monitor = new ProcMonitor(server.pid, 500);
    return server;
  }

  private keepLog(line: string): void {
    const level = /^\S+\s+(DEBUG|INFO|WARN|ERROR)\b/.exec(line)?.[1];
    if (level) this.logLevels[level] = (this.logLevels[level] ?? 0) + 1;
    if (level === 'INFO' || level === 'DEBUG') return;
    this.logTail.push(line.slice(0, 300));
    if (this.logTail.length > 20) this.logTail.shift();
  }

  private waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      let ready = false;
      const timer = setTimeout(() => fail(new Error(`${this.launch.kind} did not print its ready line within ${timeoutMs} ms`)), timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        if (!ready) {
          this.child.kill('SIGKILL');
          reject(new Error(`${e.message}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`));
        }
      };
      this.child.stdout!.setEncoding('utf8');
      this.child.stderr!.setEncoding('utf8');
      this.child.stdout!.on('data', (chunk: string) => {
        if (ready) return;
        out += chunk;
        const port = /ws:\/\/127\.0\.0\.1:(\d+)\/ocpp/.exec(out)?.[1];
        if (!port) return;
        ready = true;
        this.readyMs = performance.now() - this.spawnedAt;
        const self = /ready in (\d+) ms/.exec(out)?.[1];
        this.selfReportedMs = self !== undefined ? Number(self) : null;
        this.port = Number(port);
        clearTimeout(timer);
        resolve();
      });
      let partial = '';
      this.child.stderr!.on('data', (chunk: string) => {
        if (!ready) err += chunk;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) this.keepLog(line);
      });
      this.child.once('exit', (code, signal) => fail(new Error(`${this.launch.kind} exited before it was ready (${code ?? signal})`)));
      this.child.once('error', (e) => fail(e));
    });
  }

  /** SIGTERM and wait (SIGKILL after `timeoutMs`). Resolves with the exit and how long stopping took. */
  async stop(timeoutMs = 15_000): Promise<{ code: number | null; signal: string | null; ms: number; killed: boolean }> {
    const started = performance.now();
    this.monitor?.stop();
    let killed = false;
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        killed = true;
        this.child.kill('SIGKILL');
      }, timeoutMs);
      const info = await this.exitInfo;
      clearTimeout(timer);
      return { ...info, ms: Math.round(performance.now() - started), killed };
    }
    const info = await this.exitInfo;
    return { ...info, ms: 0, killed };
  }
}
