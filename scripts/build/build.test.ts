// End-to-end test of the single executable: build it, copy only build/ampyard into an empty folder, and run it
// there without any node on PATH: --version, health, UI, an OCPP 1.6 BootNotification, clean SIGTERM shutdown.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { isSea, nativeSqliteBinding, seaAsset } from '../../src/platform/sea.ts';
import { appVersion } from '../../src/platform/version.ts';
import { contentTypeFor, readUiAsset, uiAssetPath } from '../../src/ui/assets.ts';
import { buildExecutable } from './build.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const supported = process.platform === 'linux' && process.arch === 'x64';

test('source mode: platform helpers and UI asset lookup', () => {
  assert.equal(isSea(), false);
  assert.equal(seaAsset('web/index.html'), undefined);
  assert.equal(nativeSqliteBinding(tmpdir()), undefined);
  assert.equal(appVersion(), pkg.version);

  assert.equal(uiAssetPath('/'), 'index.html');
  assert.equal(uiAssetPath('/assets/app.js?v=123#x'), 'assets/app.js');
  assert.equal(uiAssetPath('/assets/'), 'assets/index.html');
  for (const bad of ['/../package.json', '/assets/../../x', '/%2e%2e/x', '/assets/..%2f..%2fx', '/a//b', '/a\\..\\b', '/x%00', '/%E0%A4%A']) {
    assert.equal(uiAssetPath(bad), undefined, bad);
    assert.equal(readUiAsset(bad), undefined, bad);
  }
  assert.equal(readUiAsset('/no-such-file.js'), undefined);
  assert.equal(contentTypeFor('a/b.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('x.woff2'), 'font/woff2');
  assert.equal(contentTypeFor('x.unknown'), 'application/octet-stream');

  if (existsSync(join(repoRoot, 'build', 'web', 'index.html'))) {
    const index = readUiAsset('/');
    assert.ok(index);
    assert.equal(index.contentType, 'text/html; charset=utf-8');
    assert.equal(index.immutable, false);
    assert.match(index.body.toString('utf8'), /<html/i);
    // web.ts links assets as /assets/app.js?v=<sha256 prefix>: such URLs may be cached forever.
    const script = /src="(\/assets\/[^"?]+\.js)(\?v=[0-9a-f]+)?"/.exec(index.body.toString('utf8'));
    if (script?.[1]) {
      const js = readUiAsset(script[1]);
      assert.ok(js);
      assert.equal(js.contentType, 'text/javascript; charset=utf-8');
      if (script[2]) assert.equal(readUiAsset(script[1] + script[2])?.immutable, true);
      assert.equal(readUiAsset(`${script[1]}?v=00000000`)?.immutable, false);
    }
  }
});

test('single executable: builds, runs alone from an empty folder, serves UI, API and OCPP, stops cleanly', { skip: !supported && 'linux-x64 only', timeout: 240_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'ampyard-exe-'));
  const children = new Set<ChildProcess>();
  t.after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  const built = await buildExecutable({ workDir: join(tmp, 'work') });
  t.diagnostic(`build: ${(built.ms / 1000).toFixed(1)} s, ${(built.bytes / 1024 / 1024).toFixed(1)} MiB`);

  const runDir = join(tmp, 'run');
  const exe = join(runDir, 'ampyard');
  mkdirSync(runDir);
  copyFileSync(join(repoRoot, 'build', 'ampyard'), exe);
  accessSync(exe, constants.X_OK);
  const env = envWithoutNode();
  const dataDir = join(runDir, 'data');

  // --version
  const version = spawnSync(exe, ['--version'], { cwd: runDir, env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(version.status, 0, `--version failed: ${version.stderr}`);
  assert.equal(version.stdout.trim(), pkg.version);

  async function start(): Promise<{ child: ChildProcess; port: number; tlsPort: number; output: () => string }> {
    const port = await freePort();
    const tlsPort = await freePort();
    const startedAt = performance.now();
    // --allow-profile0: the test charger below connects without credentials.
    const args = ['--port', String(port), '--tls-port', String(tlsPort), '--allow-profile0', '--host', '127.0.0.1', '--data-dir', dataDir];
    const child = spawn(exe, args, { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const output = collect(child);
    await waitForReady(child, output, 30_000);
    t.diagnostic(`ready after ${Math.round(performance.now() - startedAt)} ms`);
    return { child, port, tlsPort, output };
  }

  async function stop(child: ChildProcess, output: () => string): Promise<void> {
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    child.kill('SIGTERM');
    const { code, signal } = await withTimeout(exited, 15_000, 'exit after SIGTERM');
    assert.equal(signal, null, `killed by ${signal}\n${output()}`);
    assert.equal(code, 0, `exit code ${code}\n${output()}`);
  }

  async function health(port: number): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; version: string };
    assert.equal(body.status, 'ok');
    assert.equal(body.version, pkg.version);
  }

  // first run: fresh data dir
  const first = await start();
  const base = `http://127.0.0.1:${first.port}`;
  await health(first.port);

  // The bundled X.509 library made the site CA and the TLS certificate: https works with that CA.
  const ca = await (await fetch(`${base}/pki/ca.pem`)).text();
  const tlsHealth = await new Promise<number | undefined>((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port: first.tlsPort, path: '/api/v1/health', ca }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
  assert.equal(tlsHealth, 200);

  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await index.text(), /<html/i);

  const ws = new WebSocket(`ws://127.0.0.1:${first.port}/ocpp/TEST1`, ['ocpp1.6']);
  ws.on('error', () => {}); // the server closes it on shutdown
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`websocket upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  assert.equal(ws.protocol, 'ocpp1.6');
  const reply = new Promise<unknown>((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.once('close', () => reject(new Error('websocket closed before the BootNotification reply')));
  });
  ws.send(JSON.stringify([2, '1', 'BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }]));
  const result = await withTimeout(reply, 10_000, 'BootNotification reply');
  assert.ok(Array.isArray(result), `expected an OCPP frame, got ${JSON.stringify(result)}`);
  assert.equal(result[0], 3, `expected a CALLRESULT, got ${JSON.stringify(result)}`);
  assert.equal(result[1], '1');

  const rss = readRssKiB(first.child.pid);
  if (rss !== undefined) t.diagnostic(`RSS with one station connected: ${(rss / 1024).toFixed(1)} MiB`);

  await stop(first.child, first.output); // with the station still connected
  ws.terminate();

  const files = readdirSync(dataDir);
  assert.ok(files.some((f) => /\.(sqlite3?|db)$/.test(f)), `no SQLite database in the data dir: ${files.join(', ')}`);
  const addons = () => readdirSync(join(dataDir, '.native')).filter((f) => /^better_sqlite3-[0-9a-f]+\.node$/.test(f));
  assert.equal(addons().length, 1, 'the SQLite addon was not extracted to <data-dir>/.native');
  const addonFile = join(dataDir, '.native', addons()[0]!);
  const addonMtime = statSync(addonFile).mtimeMs;

  // An admin API token made with the executable's own tools, for the backup below.
  const toolEnv = { ...env, AMPYARD_PASSWORD: 'build-test-only-password' };
  const addUser = spawnSync(exe, ['users', 'add', 'build-admin', '--role', 'admin', '--data-dir', dataDir], { cwd: runDir, env: toolEnv, encoding: 'utf8', timeout: 30_000 });
  assert.equal(addUser.status, 0, addUser.stderr);
  const tokenRun = spawnSync(exe, ['tokens', 'create', 'build-admin', '--name', 'build-test', '--data-dir', dataDir], { cwd: runDir, env: toolEnv, encoding: 'utf8', timeout: 30_000 });
  assert.equal(tokenRun.status, 0, tokenRun.stderr);
  const token = tokenRun.stdout.trim().split('\n').at(-1)!.trim();

  // second run: existing database, and the extracted addon is reused as is
  const second = await start();
  await health(second.port);
  // A backup on request is made by a thread of the executable's own (the worker script it embeds).
  const backup = await fetch(`http://127.0.0.1:${second.port}/api/v1/backups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(backup.status, 201, await backup.clone().text());
  const made = (await backup.json()) as { name: string; bytes: number };
  assert.ok(made.bytes > 0 && existsSync(join(dataDir, 'backups', made.name)), JSON.stringify(made));
  await stop(second.child, second.output);
  assert.deepEqual(readdirSync(join(dataDir, '.native')), [addons()[0]]);
  assert.equal(statSync(addonFile).mtimeMs, addonMtime);
  assert.ok(!existsSync(join(runDir, 'node_modules')));
});

/** The environment minus anything that could let the executable lean on an installed Node. */
function envWithoutNode(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NODE_') || key.startsWith('npm_')) delete env[key];
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && !existsSync(join(dir, 'node')) && !dir.includes('node_modules'))
    .join(delimiter);
  return env;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

function waitForReady(child: ChildProcess, output: () => string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => done(new Error(`no "ready" line within ${ms} ms:\n${output()}`)), ms);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (lines.some((line) => /\bready\b/i.test(line))) done();
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`exited before ready (code ${code}, signal ${signal}):\n${output()}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function readRssKiB(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
