/**
 * CPU and memory of another process, from Linux /proc (no dependencies, cheap enough to read every 500 ms).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcSample {
  /** performance.now() when read. */
  at: number;
  /** user + system CPU time of the process so far, in seconds. */
  cpuSec: number;
  /** The same for its main thread (the event loop) alone, and for its worker threads (named WorkerThread). */
  mainCpuSec: number;
  workersCpuSec: number;
  rssBytes: number;
  /** Peak RSS of the process so far (VmHWM). */
  hwmBytes: number;
  threads: number;
  /** Bytes the process has caused to be written to storage so far (/proc/<pid>/io write_bytes; 0 if unreadable). */
  writeBytes: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (almost always 100). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

function statusKb(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** The command name and user + system clock ticks of a /proc stat line. */
function statTicks(path: string): { comm: string; ticks: number } {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Clock ticks of the threads Node names WorkerThread (worker_threads), 0 if unreadable. */
function workerTicks(pid: number): number {
  let ticks = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const t = statTicks(`/proc/${pid}/task/${tid}/stat`);
        if (t.comm === 'WorkerThread') ticks += t.ticks;
      } catch {
        // the thread ended while we looked
      }
    }
  } catch {
    // the process is gone
  }
  return ticks;
}

/** One reading of /proc/<pid>/stat and /proc/<pid>/status; undefined once the process is gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const process = statTicks(`/proc/${pid}/stat`);
    const main = statTicks(`/proc/${pid}/task/${pid}/stat`);
    const workers = workerTicks(pid);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    let writeBytes = 0;
    try {
      writeBytes = Number(/^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      // /proc/<pid>/io needs the same user; leave it at 0
    }
    return {
      at: performance.now(),
      cpuSec: process.ticks / ticksPerSecond(),
      mainCpuSec: main.ticks / ticksPerSecond(),
      workersCpuSec: workers / ticksPerSecond(),
      rssBytes: statusKb(status, 'VmRSS'),
      hwmBytes: statusKb(status, 'VmHWM'),
      threads,
      writeBytes,
    };
  } catch {
    return undefined;
  }
}

/** Samples a process every `periodMs` and answers questions about time ranges. */
export class ProcMonitor {
  readonly pid: number;
  readonly samples: ProcSample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, periodMs = 500) {
    this.pid = pid;
    this.sample();
    this.timer = setInterval(() => this.sample(), periodMs);
    this.timer.unref();
  }

  sample(): ProcSample | undefined {
    const s = readProc(this.pid);
    if (s) this.samples.push(s);
    return s;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU use between two samples, in % of one core (can exceed 100 with helper threads); `of` picks a part. */
  static cpuPercent(from: ProcSample, to: ProcSample, of: 'cpuSec' | 'mainCpuSec' | 'workersCpuSec' = 'cpuSec'): number {
    const wall = (to.at - from.at) / 1000;
    return wall > 0 ? ((to[of] - from[of]) / wall) * 100 : 0;
  }

  /** Highest RSS sampled in [fromAt, toAt]. */
  peakRss(fromAt: number, toAt: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.at >= fromAt && s.at <= toAt && s.rssBytes > peak) peak = s.rssBytes;
    return peak;
  }
}

/** Total size of the files in a folder, recursively; `only` picks files by name (e.g. the database, its -wal and -shm). */
export function folderBytes(dir: string, only: (name: string) => boolean = () => true): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (!e.isFile() || !only(e.name)) continue;
    try {
      total += statSync(join(e.parentPath, e.name)).size;
    } catch {
      // removed while we looked (e.g. the -shm at shutdown)
    }
  }
  return total;
}

export interface SystemCpu {
  at: number;
  busyTicks: number;
  totalTicks: number;
}

/** Whole-machine CPU counters from /proc/stat. */
export function readSystemCpu(): SystemCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...fields] = line.trim().split(/\s+/);
    const n = fields.map(Number);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { at: performance.now(), busyTicks: total - idle, totalTicks: total };
  } catch {
    return undefined;
  }
}

/** Machine-wide CPU use between two readings, in % of one core (2 busy cores = 200). */
export function systemCpuPercent(from: SystemCpu | undefined, to: SystemCpu | undefined, cores: number): number {
  if (!from || !to || to.totalTicks === from.totalTicks) return 0;
  return Math.round(((to.busyTicks - from.busyTicks) / (to.totalTicks - from.totalTicks)) * cores * 100);
}
