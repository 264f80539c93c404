/**
 * Run a fleet of simulated chargers against a CSMS until Ctrl-C.
 *
 *   npm run sim -- --url ws://127.0.0.1:8080/ocpp --stations 10 --version 1.6,2.0.1 --heartbeat 30
 */
import { parseArgs } from 'node:util';
import { Fleet, formatStatusLine, formatSummary } from './fleet.ts';
import { isOcppVersion, type OcppVersion } from './station.ts';

const USAGE = `Usage: npm run sim -- [options]
  --url URL             base websocket URL (station id is appended)   [ws://127.0.0.1:8080/ocpp]
  --stations N          number of stations                              [10]
  --version LIST        OCPP versions, comma separated, round-robin     [1.6]  (1.6, 2.0.1, 2.1)
  --heartbeat SEC       heartbeat interval override (default: server's boot interval)
  --concurrency N       stations connecting/booting at once             [50]
  --connectors N        connectors per station                          [2]
  --prefix TEXT         station id prefix (ids are PREFIX-0001...)      [SIM]
  --password TEXT       HTTP Basic auth password for every station
  --call-timeout MS     timeout for the stations' CALLs                 [30000]
  --status SEC          seconds between status lines                    [5]
  --duration SEC        stop after this many seconds (0 = until Ctrl-C) [0]
  --help`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function num(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) fail(`--${name} must be a number >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string', default: 'ws://127.0.0.1:8080/ocpp' },
        stations: { type: 'string' },
        version: { type: 'string', default: '1.6' },
        heartbeat: { type: 'string' },
        concurrency: { type: 'string' },
        connectors: { type: 'string' },
        prefix: { type: 'string', default: 'SIM' },
        password: { type: 'string' },
        'call-timeout': { type: 'string' },
        status: { type: 'string' },
        duration: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const versions = v.version.split(',').map((s) => s.trim()).filter(Boolean);
  for (const ver of versions) if (!isOcppVersion(ver)) fail(`unknown OCPP version ${JSON.stringify(ver)}`);
  if (!/^wss?:\/\//.test(v.url)) fail(`--url must start with ws:// or wss://, got ${JSON.stringify(v.url)}`);

  const stations = num('stations', v.stations, 10, 1);
  const statusSec = num('status', v.status, 5, 0.1);
  const durationSec = num('duration', v.duration, 0);
  const heartbeat = v.heartbeat === undefined ? undefined : num('heartbeat', v.heartbeat, 0, 0.1);

  const fleet = new Fleet({
    url: v.url,
    stations,
    versions: versions as OcppVersion[],
    idPrefix: v.prefix,
    concurrency: num('concurrency', v.concurrency, 50, 1),
    connectors: num('connectors', v.connectors, 2, 1),
    callTimeoutMs: num('call-timeout', v['call-timeout'], 30_000, 1),
    ...(heartbeat !== undefined ? { heartbeatIntervalSec: heartbeat } : {}),
    ...(v.password !== undefined ? { password: v.password } : {}),
  });

  process.stdout.write(
    `sim: ${stations} station(s) [${versions.join(', ')}] -> ${v.url}` +
      `${heartbeat !== undefined ? `, heartbeat ${heartbeat}s` : ''}; Ctrl-C to stop\n`,
  );

  let stopping = false;
  const ticker = setInterval(() => process.stdout.write(formatStatusLine(fleet.snapshot()) + '\n'), statusSec * 1000);
  const stop = async (why: string) => {
    if (stopping) {
      process.stderr.write('sim: forced exit\n');
      process.exit(130);
    }
    stopping = true;
    clearInterval(ticker);
    process.stdout.write(`sim: stopping (${why})\n`);
    await fleet.stop();
    process.stdout.write(formatSummary(fleet.snapshot()) + '\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (durationSec > 0) setTimeout(() => void stop(`duration ${durationSec}s`), durationSec * 1000);

  const snap = await fleet.start();
  if (!stopping) {
    const st = snap.stations;
    process.stdout.write(
      `sim: started in ${((snap.startup.durationMs ?? 0) / 1000).toFixed(2)}s: ${st.connected} connected, ` +
        `accepted ${st.accepted}, pending ${st.pending}, rejected ${st.rejected}, connect failed ${st.connectFailed}, boot failed ${st.bootFailed}\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`sim: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
