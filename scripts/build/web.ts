// Bundles the admin web UI (web/src) into build/web/ with esbuild.
//
//   node scripts/build/web.ts            builds and prints the gzipped sizes
//   import { buildWeb } from './web.ts'  the same, for the executable build
//
// Output (everything the server needs; nothing is loaded from outside at runtime):
//   build/web/index.html
//   build/web/assets/app.js
//   build/web/assets/app.css

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Browsers the UI supports: current evergreen desktop browsers and tablets from the last few years. */
const BROWSER_TARGETS = ['chrome111', 'edge111', 'firefox115', 'safari16.4'];

export interface WebBuildFile {
  /** Path relative to the output directory, with forward slashes, e.g. "assets/app.js". */
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface WebBuildResult {
  outDir: string;
  files: WebBuildFile[];
}

export interface WebBuildOptions {
  /** Defaults to <repo>/build/web. */
  outDir?: string;
  /** Print the sizes (default false when imported, true from the command line). */
  log?: boolean;
}

export async function buildWeb(options: WebBuildOptions = {}): Promise<WebBuildResult> {
  const outDir = options.outDir ?? join(repoRoot, 'build', 'web');
  const assetsDir = join(outDir, 'assets');
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });

  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [
      { in: 'web/src/main.tsx', out: 'app' },
      { in: 'web/src/styles.css', out: 'app' },
      // The API reference page (/api/docs), a separate small bundle.
      { in: 'web/api-docs/main.tsx', out: 'api-docs' },
      { in: 'web/api-docs/styles.css', out: 'api-docs' },
    ],
    outdir: assetsDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSER_TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const warning of result.warnings) console.warn(`web build warning: ${warning.text}`);

  const outputs = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    const name = file.path.slice(assetsDir.length + 1).replaceAll('\\', '/');
    outputs.set(name, file.contents);
  }
  const js = outputs.get('app.js');
  const css = outputs.get('app.css');
  if (!js || !css) throw new Error(`web build: expected app.js and app.css, got ${[...outputs.keys()].join(', ')}`);

  const template = await readFile(join(repoRoot, 'web', 'index.html'), 'utf8');
  const html = renderIndexHtml(template, {
    js: `/assets/app.js?v=${shortHash(js)}`,
    css: `/assets/app.css?v=${shortHash(css)}`,
  });

  const docsJs = outputs.get('api-docs.js');
  const docsCss = outputs.get('api-docs.css');
  if (!docsJs || !docsCss) throw new Error('web build: expected api-docs.js and api-docs.css');
  const docsTemplate = await readFile(join(repoRoot, 'web', 'api-docs.html'), 'utf8');
  const docsHtml = renderIndexHtml(docsTemplate, { js: `/assets/api-docs.js?v=${shortHash(docsJs)}`, css: `/assets/api-docs.css?v=${shortHash(docsCss)}` });

  const files: { path: string; contents: Uint8Array }[] = [
    { path: 'assets/app.js', contents: js },
    { path: 'assets/app.css', contents: css },
    { path: 'index.html', contents: Buffer.from(html, 'utf8') },
    { path: 'assets/api-docs.js', contents: docsJs },
    { path: 'assets/api-docs.css', contents: docsCss },
    { path: 'api-docs.html', contents: Buffer.from(docsHtml, 'utf8') },
  ];
  await Promise.all(files.map((f) => writeFile(join(outDir, f.path), f.contents)));

  const summary: WebBuildResult = {
    outDir,
    files: files.map((f) => ({ path: f.path, bytes: f.contents.byteLength, gzipBytes: gzipSync(f.contents).byteLength })),
  };
  if (options.log) printSummary(summary);
  return summary;
}

function renderIndexHtml(template: string, urls: { js: string; css: string }): string {
  for (const placeholder of ['%APP_JS%', '%APP_CSS%']) {
    if (!template.includes(placeholder)) throw new Error(`the HTML template must contain ${placeholder}`);
  }
  return template.replaceAll('%APP_JS%', urls.js).replaceAll('%APP_CSS%', urls.css);
}

function shortHash(contents: Uint8Array): string {
  return createHash('sha256').update(contents).digest('hex').slice(0, 10);
}

function printSummary(summary: WebBuildResult): void {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  const bundle = summary.files.filter((f) => f.path.startsWith('assets/'));
  const total = bundle.reduce((sum, f) => sum + f.gzipBytes, 0);
  const parts = bundle.map((f) => `${f.path} ${kb(f.bytes)} (${kb(f.gzipBytes)} gzip)`).join(', ');
  console.log(`web: ${parts}; bundle ${kb(total)} gzipped -> ${summary.outDir}`);
}

if (import.meta.main) {
  const started = performance.now();
  await buildWeb({ log: true }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
  console.log(`web: built in ${Math.round(performance.now() - started)} ms`);
}
