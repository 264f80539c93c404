/** What the figures were measured on. */
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpuModel: string;
  cores: number;
  ramGB: number;
  node: string;
  kernel: string;
  /** Soft limit on open files for this process and its children. */
  openFilesLimit: number | null;
  /** 1-minute load average when the run started: other programs running disturb the figures. */
  loadAverage: number;
  /** Time to write 4 KiB and fdatasync it in the temp folder (where the data folder lives), in ms: Ampyard answers only after such a sync. */
  fsyncMs: { p50: number; p99: number; max: number };
}

/** Disk sync latency: what every group commit of Ampyard's write queue waits for. */
export function measureFsync(dir = tmpdir(), rounds = 100): Machine['fsyncMs'] {
  const folder = mkdtempSync(join(dir, 'ampyard-fsync-'));
  const fd = openSync(join(folder, 'probe'), 'w');
  const times: number[] = [];
  const block = Buffer.alloc(4096, 1);
  try {
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      writeSync(fd, block, 0, block.length, (i % 16) * 4096);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(folder, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), max: Math.round(times.at(-1)! * 100) / 100 };
}

function openFilesLimit(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    return soft ? Number(soft) : null;
  } catch {
    try {
      return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || null;
    } catch {
      return null;
    }
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `Linux ${release()}`,
    openFilesLimit: openFilesLimit(),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    fsyncMs: measureFsync(),
  };
}
