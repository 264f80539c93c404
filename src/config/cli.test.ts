import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from './cli.ts';
import { ConfigError, defaults } from './config.ts';
import { tempDir } from '../testing/temp-dir.ts';

const main = fileURLToPath(new URL('../main.ts', import.meta.url));
const version = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')).version;

function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  // No fixed TLS port (default 8443): test runs in parallel would fight over it.
  return spawnSync(process.execPath, [main, ...args], { cwd: options.cwd, env: { ...process.env, AMPYARD_TLS_PORT: '0', ...options.env }, encoding: 'utf8', timeout: 60_000 });
}

describe('command line and configuration', () => {
  it('uses the documented defaults', () => {
    assert.deepEqual(parseCommandLine([], {}), { kind: 'serve', config: defaults });
    assert.equal(defaults.port, 8080);
    assert.equal(defaults.host, '0.0.0.0');
    assert.equal(defaults.dataDir, './ampyard-data');
  });

  it('layers config file < environment < flags', () => {
    const dir = tempDir('ampyard-cfg-');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: 9001, heartbeatIntervalSeconds: 60, acceptUnknownStations: true, dataDir: '/srv/a' }));
    const command = parseCommandLine(['--config', file, '--port=9003'], { AMPYARD_PORT: '9002', AMPYARD_HEARTBEAT_INTERVAL: '90' });
    assert.equal(command.kind, 'serve');
    if (command.kind !== 'serve') return;
    assert.equal(command.config.port, 9003);
    assert.equal(command.config.heartbeatIntervalSeconds, 90);
    assert.equal(command.config.acceptUnknownStations, true);
    assert.equal(command.config.dataDir, '/srv/a');
    const viaEnvFile = parseCommandLine(['--accept-unknown'], { AMPYARD_CONFIG: file });
    assert.equal(viaEnvFile.kind === 'serve' && viaEnvFile.config.port, 9001);
  });

  it('explains every bad value in one line', () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--bogus'], {}, /unknown option --bogus/],
      [['--port', 'eighty'], {}, /option --port: "eighty" is not a whole number from 0 to 65535/],
      [['--port'], {}, /--port needs a value/],
      [[], { AMPYARD_KEEPALIVE: '0' }, /environment variable AMPYARD_KEEPALIVE/],
      [['--log-level', 'loud'], {}, /one of debug, info/],
      [['--config', '/nonexistent/x.json'], {}, /cannot read config file \/nonexistent\/x.json: ENOENT/],
    ];
    for (const [argv, env, pattern] of cases) {
      assert.throws(() => parseCommandLine(argv, env), (e: unknown) => e instanceof ConfigError && pattern.test(e.message), `${argv.join(' ')} ${JSON.stringify(env)}`);
    }
  });
});

describe('the ampyard process', () => {
  it('--version and --help', () => {
    const v = run(['--version']);
    assert.equal(v.status, 0);
    assert.equal(v.stdout.trim(), version);
    const h = run(['--help']);
    assert.equal(h.status, 0);
    for (const flag of ['--port', '--host', '--data-dir', '--config', '--accept-unknown', 'AMPYARD_PORT']) assert.ok(h.stdout.includes(flag), flag);
  });

  it('exits non-zero with one clear line for an unknown flag, a malformed config file, a busy port and an unusable data dir', async () => {
    const dir = tempDir('ampyard-cli-');
    const oneLine = (r: ReturnType<typeof run>, status: number, pattern: RegExp) => {
      assert.equal(r.status, status, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, pattern);
    };
    oneLine(run(['--frobnicate']), 2, /^ampyard: unknown option --frobnicate \(see ampyard --help\)$/);
    writeFileSync(join(dir, 'bad.json'), '{"port": 80,');
    oneLine(run(['--config', join(dir, 'bad.json')]), 2, /^ampyard: config file .*bad\.json is not valid JSON/);
    writeFileSync(join(dir, 'unknown.json'), '{"prot": 80}');
    oneLine(run(['--config', join(dir, 'unknown.json')]), 2, /unknown setting "prot"/);

    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      oneLine(run(['--port', String(port), '--host', '127.0.0.1', '--data-dir', join(dir, 'd1')]), 1, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      // Closed whatever the assertion says, or the listening socket keeps this test file from ever exiting.
      blocker.close();
    }

    writeFileSync(join(dir, 'a-file'), 'not a folder');
    oneLine(run(['--port', '0', '--data-dir', join(dir, 'a-file', 'data')]), 1, /cannot use data directory .*a-file\/data \(ENOTDIR\)/);
  });

  it('starts with no arguments on the defaults in the current folder, prints where to go, and stops cleanly on SIGTERM', async () => {
    const cwd = tempDir('ampyard-run-');
    // Port 0 keeps the test off a fixed port; everything else is the default.
    const child = spawn(process.execPath, [main], { cwd, env: { ...process.env, AMPYARD_PORT: '0', AMPYARD_HOST: '127.0.0.1', AMPYARD_TLS_PORT: '0' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const deadline = Date.now() + 15_000;
    while (!/ready in \d+ ms/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /Admin UI and API: {2}http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(out, /OCPP endpoint: {5}ws:\/\/127\.0\.0\.1:\d+\/ocpp\/<station-id>/);
    assert.ok(existsSync(join(cwd, 'ampyard-data', 'ampyard.sqlite')));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

describe('tools on the data directory', () => {
  it('picks the tool and splits our options from its arguments, wherever they stand', () => {
    const command = parseCommandLine(['--data-dir', '/srv/d', 'users', 'add', 'alice', '--role', 'admin', '--port=9'], {}, ['users', 'backup']);
    assert.deepEqual(command.kind === 'tool' && [command.name, command.args, command.config.dataDir, command.config.port], ['users', ['add', 'alice', '--role', 'admin'], '/srv/d', 9]);
    assert.throws(() => parseCommandLine(['frobnicate'], {}, ['users']), /unknown command frobnicate/);
    assert.equal(parseCommandLine(['--port', '80'], {}, ['users']).kind, 'serve');
  });
});
