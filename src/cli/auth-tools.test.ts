import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { defaults } from '../config/config.ts';
import { subcommands } from './subcommands.ts';

const main = fileURLToPath(new URL('../main.ts', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function ampyard(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    if (!options.env?.['AMPYARD_PASSWORD']) delete env['AMPYARD_PASSWORD'];
    const child = spawn(process.execPath, [main, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The same tool in this process (no start-up cost): for the many error cases. */
async function inProcess(dataDir: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const [name, ...rest] = args;
  const status = await subcommands[name!]!.run(rest, { ...defaults, dataDir }, {
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    env: options.env ?? {},
  });
  return { status, stdout, stderr };
}

interface RunningAppliance {
  child: ChildProcessWithoutNullStreams;
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

async function startApplianceProcess(dataDir: string): Promise<RunningAppliance> {
  // No TLS listener: its fixed default port would collide with other tests' appliances.
  const child = spawn(process.execPath, [main, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'debug'], { env: { ...process.env, AMPYARD_TLS_PORT: '0' } });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const deadline = Date.now() + 15_000;
  while (!/Admin UI and API: +http:\/\/127\.0\.0\.1:(\d+)\//.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`appliance did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 50)); // the rest of the start-up text
  const port = /Admin UI and API: +http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)![1];
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function signIn(baseUrl: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return res.status;
}

const asToken = (baseUrl: string, token: string, path = '/api/v1/stations') => fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('ampyard users / tokens on a data directory', () => {
  let dir: string;
  const secrets: string[] = [];
  const outputs: string[] = [];
  const tool = async (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
    const run = await ampyard([...args, '--data-dir', dir], options);
    // A created token is printed on stdout by design; everything else must not show a secret.
    outputs.push((args[0] === 'tokens' && args[1] === 'create' ? '' : run.stdout) + run.stderr);
    return run;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ampyard-tools-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let ciToken = '';

  it('on a stopped appliance: adds users (password from the environment or stdin) and creates a token printed once', async () => {
    secrets.push('alice-password-1', 'bob-password-22');
    const alice = await tool(['users', 'add', 'alice', '--role', 'admin'], { env: { AMPYARD_PASSWORD: 'alice-password-1' } });
    assert.deepEqual([alice.status, alice.stdout, alice.stderr], [0, 'created admin alice\n', '']);
    const bob = await tool(['users', 'add', 'bob', '--role=viewer'], { input: 'bob-password-22\n' });
    assert.deepEqual([bob.status, bob.stdout], [0, 'created viewer bob\n']);

    const cases: Array<[string[], string | undefined, number, RegExp]> = [
      [['users', 'add', 'alice', '--role', 'admin'], 'another-password', 1, /^ampyard: username: is already taken\n$/],
      [['users', 'add', 'carol'], 'carol-password', 1, /role: is required/],
      [['users', 'add', 'carol', '--role', 'root'], 'carol-password', 1, /role: must be one of viewer, operator, admin/],
      [['users', 'add', 'carol', '--role', 'viewer'], 'short', 1, /password: must be at least 8 characters/],
      [['users', 'add', 'carol', '--role', 'viewer'], '', 1, /password: is required/],
      [['users', 'frobnicate'], undefined, 2, /^usage: ampyard users list/],
      [['users', 'add', 'carol', '--rol', 'viewer'], undefined, 2, /Unknown option '--rol'/],
      [['users', 'add', 'carol', 'x', '--role', 'viewer'], undefined, 2, /^usage:/],
      [['tokens', 'create'], undefined, 2, /^usage: ampyard tokens create USER/],
      [['tokens', 'create', 'nobody'], undefined, 1, /^ampyard: no user nobody\n$/],
      [['tokens', 'revoke', '999'], undefined, 1, /no API token with id 999/],
    ];
    const runs: Run[] = [];
    for (const [args, input] of cases) runs.push(await inProcess(dir, args, { input }));
    cases.forEach(([args, , status, stderr], i) => {
      assert.equal(runs[i]!.status, status, `${args.join(' ')}: ${runs[i]!.stderr}`);
      assert.match(runs[i]!.stderr, stderr, args.join(' '));
    });

    const list = await inProcess(dir, ['users', 'list']);
    assert.equal(list.stdout, 'alice\tadmin\nbob\tviewer\n');
    const token = await tool(['tokens', 'create', 'alice', '--name', 'ci pipeline']);
    assert.equal(token.status, 0);
    assert.match(token.stdout, /^ampy_[A-Za-z0-9_-]{43}\n$/, 'stdout holds the token alone, for scripts');
    assert.match(token.stderr, /API token \d+ "ci pipeline" for alice; it is shown only now/);
    ciToken = token.stdout.trim();
    const tokens = await inProcess(dir, ['tokens', 'list']);
    // The list shows the token's first characters (base64url, so `-` too: \w missed it now and then), never all of it.
    assert.match(tokens.stdout, /^\d+\talice\tci pipeline\tampy_[A-Za-z0-9_-]{4}…\tcreated \S+\tlast used never\n$/);
    assert.ok(tokens.stdout.includes(`\t${ciToken.slice(0, 'ampy_'.length + 4)}…\t`), tokens.stdout);
    assert.ok(!tokens.stdout.includes(ciToken));
  });

  it('on a running appliance: the appliance accepts what the tools create and refuses what they revoke, at once', async () => {
    const appliance = await startApplianceProcess(dir);
    try {
      assert.doesNotMatch(appliance.output(), /setup code/i, 'users exist: no first-run setup');
      assert.equal(await asToken(appliance.baseUrl, ciToken), 200, 'the token made while stopped works');
      assert.equal(await signIn(appliance.baseUrl, 'bob', 'bob-password-22'), 200);

      secrets.push('erin-password-333', 'bob-new-password-4444');
      assert.equal((await tool(['users', 'add', 'erin', '--role', 'operator'], { input: 'erin-password-333' })).status, 0);
      assert.equal(await signIn(appliance.baseUrl, 'erin', 'erin-password-333'), 200);
      const created = await tool(['tokens', 'create', 'erin']);
      assert.equal(created.status, 0, created.stderr);
      const erinToken = created.stdout.trim();
      secrets.push(erinToken);
      assert.equal(await asToken(appliance.baseUrl, erinToken), 200);
      assert.equal(await asToken(appliance.baseUrl, erinToken, '/api/v1/users'), 403, 'an operator’s token');
      const id = /API token (\d+)/.exec(created.stderr)![1]!;
      assert.equal((await inProcess(dir, ['tokens', 'revoke', id])).status, 0);
      assert.equal(await asToken(appliance.baseUrl, erinToken), 401);

      const reset = await inProcess(dir, ['users', 'set-password', 'bob'], { env: { AMPYARD_PASSWORD: 'bob-new-password-4444' } });
      assert.deepEqual([reset.status, reset.stdout], [0, 'password of bob changed\n']);
      assert.equal(await signIn(appliance.baseUrl, 'bob', 'bob-password-22'), 401);
      assert.equal(await signIn(appliance.baseUrl, 'bob', 'bob-new-password-4444'), 200);

      const audit = (await (await fetch(`${appliance.baseUrl}/api/v1/audit?limit=200`, { headers: { authorization: `Bearer ${ciToken}` } })).json()) as any;
      const actions = audit.items.map((e: any) => e.action);
      for (const action of ['cli.users.add', 'cli.tokens.create', 'cli.tokens.revoke', 'cli.users.set-password', 'login']) assert.ok(actions.includes(action), action);
      assert.equal(audit.items.find((e: any) => e.action === 'cli.users.add').via, 'cli');
    } finally {
      await appliance.stop();
      outputs.push(appliance.output());
    }
    for (const secret of [...secrets, ciToken]) {
      assert.ok(!outputs.some((o) => o.includes(secret)), `the tools’ or the appliance’s output shows ${secret.slice(0, 6)}…`);
    }
  });
});

describe('first run of the appliance process', () => {
  it('prints a setup code until a user exists; creating the admin with the tool on the running appliance closes setup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-firstrun-'));
    const appliance = await startApplianceProcess(dir);
    try {
      const code = /^ {6}([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})$/m.exec(appliance.output())?.[1];
      assert.ok(code, appliance.output());
      assert.match(appliance.output(), /ampyard users add NAME --role admin/);
      assert.equal(appliance.output().split(code).length, 2, 'the code is on the console once, and not in the log');
      assert.deepEqual(await (await fetch(`${appliance.baseUrl}/api/v1/setup`)).json(), { needed: true });

      const added = await ampyard(['users', 'add', 'root', '--role', 'admin', '--data-dir', dir], { input: 'root-password-55\n' });
      assert.equal(added.status, 0, added.stderr);
      assert.deepEqual(await (await fetch(`${appliance.baseUrl}/api/v1/setup`)).json(), { needed: false });
      const late = await fetch(`${appliance.baseUrl}/api/v1/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ setupCode: code, username: 'late', password: 'late-password', siteName: 'X', gridLimitA: 63, acceptUnknownStations: false }),
      });
      assert.equal(late.status, 409, 'the setup code is no longer valid');
      assert.equal(await signIn(appliance.baseUrl, 'root', 'root-password-55'), 200);
    } finally {
      await appliance.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
