/**
 * Summarises a V8 .cpuprofile: the functions with the most self time and the most total (inclusive) time.
 * Functions in the executable's bundle (build/.sea/main.cjs) are traced back to their source module by
 * the `// src/...` comments esbuild writes in front of every module.
 *
 *   node scripts/bench/profile-summary.ts FILE.cpuprofile [--bundle build/.sea/main.cjs] [--top 25] [--last SECONDS] [--before SECONDS]
 *
 * --last keeps only the profile's last seconds: a bench run ends with its fastest step. --before moves that
 * window back from the end by as many seconds (e.g. a step before the last, which failed).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  fn: string;
  where: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
  totalPercent: number;
}

export interface ProfileSummary {
  durationMs: number;
  sampledMs: number;
  /** Share of time the main thread was idle (waiting in the event loop). */
  idlePercent: number;
  gcPercent: number;
  /**
   * Time in samples that came late (over 20 ms instead of ~1 ms): the main thread was stuck in one system call
   * (e.g. fsync) and could not even be sampled, or the machine did not schedule it. `where` names the function
   * it was in and its caller in src/.
   */
  blockedPercent: number;
  blocked: Array<{ where: string; ms: number; count: number; longestMs: number }>;
  self: ProfileEntry[];
  total: ProfileEntry[];
  /** Self time by source area (src/ocpp, node_modules/ws, node:internal, ...). */
  byArea: Array<{ area: string; ms: number; percent: number }>;
}

/** The executable's bundle as text; build/ampyard embeds it (scripts/build/build.ts's banner marks its start). */
export function extractBundle(executable: string): string | undefined {
  const binary = readFileSync(executable);
  const start = binary.indexOf('var __ampyard_import_meta_url = ');
  if (start < 0) return undefined;
  const end = binary.indexOf(0, start);
  return binary.subarray(start, end < 0 ? undefined : end).toString('utf8');
}

/** Maps bundle line numbers to the module they came from. */
function bundleModules(bundleFile: string | undefined): (line: number) => string | undefined {
  if (!bundleFile) return () => undefined;
  let text: string;
  try {
    text = readFileSync(bundleFile, 'utf8');
  } catch {
    return () => undefined;
  }
  const starts: Array<[number, string]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:src|node_modules|web)\/\S+)$/.exec(lines[i]!);
    if (m) starts.push([i, m[1]!]);
  }
  return (line: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]![0] <= line) {
        found = starts[mid]![1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

function shortUrl(url: string): string {
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 1);
  return url.replace(/^file:\/\//, '');
}

function area(where: string): string {
  if (where.startsWith('node_modules/')) return where.split('/').slice(0, where.startsWith('node_modules/@') ? 3 : 2).join('/');
  if (where.startsWith('src/')) return where.split('/').slice(0, 2).join('/');
  if (where.startsWith('node:')) return 'node: built-ins';
  if (where === '' || where.startsWith('(')) return where || '(native)';
  return where.split(':')[0]!;
}

export function summariseProfile(file: string, options: { bundle?: string; top?: number; lastSec?: number; beforeSec?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // Sample times, to keep only the last `lastSec` seconds (e.g. the fastest bench step) when asked.
  const until = profile.endTime - (options.beforeSec ?? 0) * 1e6;
  const from = options.lastSec === undefined ? -Infinity : until - options.lastSec * 1e6;
  let at = profile.startTime;
  const moduleAt = bundleModules(options.bundle);
  const top = options.top ?? 25;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const keyCache = new Map<number, { key: string; fn: string; where: string }>();
  const keyOf = (id: number) => {
    let k = keyCache.get(id);
    if (k) return k;
    const cf = byId.get(id)!.callFrame;
    let where: string;
    if (cf.url.endsWith('/main.cjs') || cf.url.endsWith('.sea/main.cjs')) {
      where = `${moduleAt(cf.lineNumber) ?? 'bundle'} (bundle:${cf.lineNumber + 1})`;
    } else if (cf.url) where = `${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    else where = '';
    const fn = cf.functionName || (cf.url ? '(anonymous)' : '(native)');
    k = { key: `${fn}|${where}`, fn, where };
    keyCache.set(id, k);
    return k;
  };

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const blocked = new Map<string, { ms: number; count: number; longestMs: number }>();
  let blockedMs = 0;
  let sampled = 0;
  let idle = 0;
  let gc = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > until) continue;
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i]!;
    sampled += dt;
    const k = keyOf(id);
    if (dt > 20 && k.fn !== '(idle)') {
      let caller: string | undefined;
      for (let n = parent.get(id); n !== undefined && !caller; n = parent.get(n)) if (keyOf(n).where.startsWith('src/')) caller = `${keyOf(n).fn} ${keyOf(n).where}`;
      const where = `${k.fn}${caller ? ` <- ${caller}` : ''}`;
      const b = blocked.get(where) ?? { ms: 0, count: 0, longestMs: 0 };
      b.ms += dt;
      b.count++;
      b.longestMs = Math.max(b.longestMs, dt);
      blocked.set(where, b);
      blockedMs += dt;
    }
    if (k.fn === '(idle)') {
      idle += dt;
      continue;
    }
    if (k.fn === '(garbage collector)') gc += dt;
    self.set(k.key, (self.get(k.key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const key = keyOf(n).key;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  }
  const pct = (ms: number) => Math.round((ms / sampled) * 1000) / 10;
  const entry = (key: string): ProfileEntry => {
    const [fn, where] = key.split('|') as [string, string];
    const s = self.get(key) ?? 0;
    const t = total.get(key) ?? 0;
    return { fn, where, selfMs: Math.round(s), selfPercent: pct(s), totalMs: Math.round(t), totalPercent: pct(t) };
  };
  const areas = new Map<string, number>();
  for (const [key, ms] of self) {
    const where = key.split('|')[1]!;
    const fn = key.split('|')[0]!;
    const a = fn.startsWith('(') && !where ? fn : area(where.replace(/ \(bundle:\d+\)$/, '').replace(/:\d+$/, ''));
    areas.set(a, (areas.get(a) ?? 0) + ms);
  }
  const skipTotal = new Set(['(root)', '(program)']);
  return {
    durationMs: Math.round((profile.endTime - Math.max(profile.startTime, from)) / 1000),
    sampledMs: Math.round(sampled),
    idlePercent: pct(idle),
    gcPercent: pct(gc),
    blockedPercent: pct(blockedMs),
    blocked: [...blocked]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 8)
      .map(([where, b]) => ({ where, ms: Math.round(b.ms), count: b.count, longestMs: Math.round(b.longestMs) })),
    self: [...self.keys()].sort((a, b) => self.get(b)! - self.get(a)!).slice(0, top).map(entry),
    total: [...total.keys()]
      .filter((k) => !skipTotal.has(k.split('|')[0]!) && k.split('|')[1] !== '')
      .sort((a, b) => total.get(b)! - total.get(a)!)
      .slice(0, top)
      .map(entry),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([a, ms]) => ({ area: a, ms: Math.round(ms), percent: pct(ms) })),
  };
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [
    `profile: ${(s.durationMs / 1000).toFixed(1)} s, main thread idle ${s.idlePercent}%, garbage collection ${s.gcPercent}%, ` +
      `stalled ${s.blockedPercent}%`,
    ...(s.blocked.length ? ['stalls (samples over 20 ms late: stuck in one system call such as fsync, or not scheduled), where:'] : []),
    ...s.blocked.map((b) => `  ${String(b.ms).padStart(6)} ms in ${b.count} stalls (longest ${b.longestMs} ms)  ${b.where}`),
    'self time by area:',
    ...s.byArea.map((a) => `  ${String(a.percent).padStart(5)}%  ${a.area}`),
    'top functions by self time:',
    ...s.self.map((e) => `  ${String(e.selfPercent).padStart(5)}%  ${e.fn}  ${e.where}`),
    'top functions by total time (including what they call):',
    ...s.total.map((e) => `  ${String(e.totalPercent).padStart(5)}%  ${e.fn}  ${e.where}`),
  ];
  return lines.join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { bundle: { type: 'string' }, top: { type: 'string' }, last: { type: 'string' }, before: { type: 'string' } } });
  if (!positionals[0]) {
    process.stderr.write('usage: node scripts/bench/profile-summary.ts FILE.cpuprofile [--bundle build/.sea/main.cjs] [--top 25] [--last SECONDS] [--before SECONDS]\n');
    process.exit(2);
  }
  process.stdout.write(formatProfile(summariseProfile(positionals[0], { bundle: values.bundle, top: values.top ? Number(values.top) : 25, lastSec: values.last ? Number(values.last) : undefined, beforeSec: values.before ? Number(values.before) : undefined })) + '\n');
}
