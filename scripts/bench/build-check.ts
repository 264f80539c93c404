/** Makes sure build/ampyard exists and is newer than everything it is built from; runs `npm run build` otherwise. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const executablePath = join(repoRoot, 'build', 'ampyard');

const SOURCE_DIRS = ['src', 'web', 'scripts/build'];
const SOURCE_FILES = ['package.json', 'package-lock.json'];

/** The newest source file that goes into the executable (tests excluded), or undefined when there is none. */
export function newestSource(): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const consider = (file: string) => {
    const mtimeMs = statSync(file).mtimeMs;
    if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  for (const dir of SOURCE_DIRS) {
    const abs = join(repoRoot, dir);
    if (!existsSync(abs)) continue;
    for (const e of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || e.name.endsWith('.test.ts') || e.parentPath.includes('node_modules')) continue;
      consider(join(e.parentPath, e.name));
    }
  }
  for (const f of SOURCE_FILES) if (existsSync(join(repoRoot, f))) consider(join(repoRoot, f));
  return newest;
}

export interface BuildOutcome {
  built: boolean;
  reason: string;
  ms: number;
  /** Set when the build failed and an older executable is used instead. */
  warning?: string;
}

export function ensureExecutable(log: (line: string) => void): BuildOutcome {
  const started = performance.now();
  let reason: string;
  if (!existsSync(executablePath)) reason = 'build/ampyard is missing';
  else {
    const exeTime = statSync(executablePath).mtimeMs;
    const newest = newestSource();
    if (!newest || newest.mtimeMs <= exeTime) return { built: false, reason: 'build/ampyard is up to date', ms: 0 };
    reason = `build/ampyard is older than ${newest.file.slice(repoRoot.length)}`;
  }
  log(`${reason}: npm run build`);
  let run = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    run = spawnSync(process.execPath, ['scripts/build/build.ts'], { cwd: repoRoot, encoding: 'utf8' });
  }
  const ms = Math.round(performance.now() - started);
  if (run.status === 0) return { built: true, reason, ms };
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  if (!existsSync(executablePath)) throw new Error(`npm run build failed:\n${output}`);
  return { built: false, reason, ms, warning: `npm run build failed; measuring the older build/ampyard instead:\n${output}` };
}
