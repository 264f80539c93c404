import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { changedTables, domainSnapshot } from '../testing/db-snapshot.ts';
import { OcppFuzzer, type FuzzFrame } from '../testing/ocpp-fuzz.ts';
import { prng, testSeed } from '../testing/prng.ts';
import { eventually, getJson, postJson } from '../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { v16Handlers } from './v16/handlers.ts';
import { v2Handlers } from './v2/handlers.ts';

const FRAMES_PER_VERSION = 2500;
const BATCH = 40;
const MAX_MESSAGE_BYTES = 256 * 1024;

const errorCodes = {
  '1.6': ['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError'],
  '2.0.1': ['FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation'],
};

/** A bare websocket that records every frame the server sends, in order. */
class Station {
  readonly socket: WebSocket;
  readonly received: unknown[][] = [];
  readonly closed: Promise<number>;
  closeReason = '';
  private wake: (() => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as unknown[]);
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        this.closeReason = `${code} ${reason.toString()}`;
        resolve(code);
      }),
    );
  }

  static open(url: string, subprotocol: string): Promise<Station> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, subprotocol);
      socket.once('open', () => resolve(new Station(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Waits for the answer to `id` and returns every frame received up to and including it. */
  async until(id: string, timeoutMs = 10_000): Promise<unknown[][]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.received.findIndex((f) => f[1] === id && (f[0] === 3 || f[0] === 4));
      if (at >= 0) return this.received.splice(0, at + 1);
      if (Date.now() > deadline) throw new Error(`no answer to ${id} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

const boots = {
  '1.6': { chargePointVendor: 'Fuzz', chargePointModel: 'Hostile' },
  '2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'Fuzz', model: 'Hostile' } },
};

async function connect(server: TestServer, id: string, version: '1.6' | '2.0.1'): Promise<Station> {
  return Station.open(server.wsUrl(id), `ocpp${version}`);
}

/** Checks the frames received for one batch against what each sent frame calls for; returns the problems. */
function check(version: '1.6' | '2.0.1', batch: FuzzFrame[], received: unknown[][], sentinel: string): string[] {
  const problems: string[] = [];
  const expected = new Map<string, { error: boolean; seen: number; frame: FuzzFrame }>();
  let minusOneExpected = 0;
  for (const f of batch) {
    if (f.expect.kind === 'answer') expected.set(f.expect.id, { error: f.expect.error, seen: 0, frame: f });
    if (f.expect.kind === 'minusOne') minusOneExpected++;
  }
  let minusOneSeen = 0;
  const show = (f: FuzzFrame) => `${f.category}: ${(f.binary ? `<binary ${f.data.length} bytes>` : String(f.data)).slice(0, 160)}`;
  for (const frame of received) {
    const [type, id] = frame;
    if (type === 2) continue; // a CALL from the server (none expected here, but not an answer)
    if (id === sentinel) continue;
    if (type === 4) {
      const [, , code, description, details] = frame;
      if (frame.length !== 5 || !errorCodes[version].includes(code as string) || typeof description !== 'string' || typeof details !== 'object' || details === null) {
        problems.push(`malformed CALLERROR from the server: ${JSON.stringify(frame).slice(0, 200)}`);
      }
    } else if (type !== 3 || frame.length !== 3) {
      problems.push(`unexpected frame from the server: ${JSON.stringify(frame).slice(0, 200)}`);
    }
    if (id === '-1' && type === 4) {
      minusOneSeen++;
      continue;
    }
    const want = expected.get(id as string);
    if (!want) {
      problems.push(`answer to a frame that calls for none: ${JSON.stringify(frame).slice(0, 200)}`);
      continue;
    }
    want.seen++;
    if (want.error && type !== 4) problems.push(`CALLRESULT for a frame that must get a CALLERROR (${show(want.frame)}): ${JSON.stringify(frame).slice(0, 200)}`);
  }
  for (const [id, want] of expected) if (want.seen !== 1) problems.push(`${want.seen} answers to ${id} (${show(want.frame)})`);
  if (minusOneSeen !== minusOneExpected) {
    problems.push(`${minusOneSeen} CALLERRORs with id -1, expected ${minusOneExpected} for: ${batch.filter((f) => f.expect.kind === 'minusOne').map(show).join(' | ')}`);
  }
  return problems;
}

for (const version of ['1.6', '2.0.1'] as const) {
  describe(`hostile OCPP ${version} input`, () => {
    it(`answers ${FRAMES_PER_VERSION} generated malformed frames per OCPP-J, survives oversized and invalid frames, and stores nothing`, async (t) => {
      const seed = testSeed(version === '1.6' ? 16_161 : 20_201);
      const random = prng(seed);
      const fuzzer = new OcppFuzzer(version, random, Object.keys(version === '1.6' ? v16Handlers : v2Handlers));
      const server = await startTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES, maxMessagesPerMinute: 1_000_000 });
      const started = Date.now();
      try {
        const stationId = `FUZZ-${version}`;
        await postJson(`${server.baseUrl}/api/v1/stations`, { id: stationId });
        let station = await connect(server, stationId, version);
        station.send(JSON.stringify([2, 'boot', 'BootNotification', boots[version]]));
        const [boot] = (await station.until('boot')).slice(-1);
        assert.equal((boot![2] as { status: string }).status, 'Accepted');
        const { db, writes, messageLog } = server.appliance.services;
        writes.flush();
        const before = domainSnapshot(db);
        const logBefore = (await messageLog.forStation(stationId, 1_000_000)).length;

        const problems: string[] = [];
        const categories: Record<string, number> = {};
        const closes: Record<string, number> = {};
        let sent = 0;
        let batchNo = 0;
        while (sent < FRAMES_PER_VERSION) {
          // Now and then a frame that ends the connection: too big (1009) or not UTF-8 (1007); the station reconnects.
          if (batchNo % 12 === 11) {
            const oversized = random.chance(0.6);
            const data = oversized ? Buffer.alloc(MAX_MESSAGE_BYTES + random.int(1, 200_000), 0x20) : Buffer.from([0x5b, 0x32, 0x2c, 0xff, 0xfe, 0x5d]);
            station.send(data, false);
            const code = await Promise.race([station.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
            const want = oversized ? 1009 : 1007;
            if (code !== want) problems.push(`${oversized ? 'oversized' : 'non-UTF-8'} frame: close code ${code}, expected ${want}`);
            closes[code] = (closes[code] ?? 0) + 1;
            station.socket.terminate();
            station = await connect(server, stationId, version);
            sent++;
          }
          const batch = Array.from({ length: Math.min(BATCH, FRAMES_PER_VERSION - sent) }, () => fuzzer.next());
          for (const f of batch) {
            station.send(f.data, f.binary);
            categories[f.category] = (categories[f.category] ?? 0) + 1;
          }
          const sentinel = `sentinel-${++batchNo}`;
          station.send(JSON.stringify([2, sentinel, 'Heartbeat', {}]));
          let answered: unknown[][];
          try {
            answered = await station.until(sentinel);
          } catch (error) {
            const open = station.socket.readyState === WebSocket.OPEN;
            throw new Error(`${(error as Error).message} (socket ${open ? 'open' : `closed: ${station.closeReason}`}); the batch was:\n${batch.map((f) => `${f.category}: ${(f.binary ? '<binary>' : String(f.data)).slice(0, 300)}`).join('\n')}`);
          }
          problems.push(...check(version, batch, answered, sentinel));
          sent += batch.length;
          if (problems.length > 20) break;
        }
        assert.deepEqual(problems.slice(0, 20), [], `seed ${seed}: ${problems.length} problem(s)`);

        // Still up and serving: the same station works, nothing was stored, a new station boots, the API answers.
        station.send(JSON.stringify([2, 'after', 'Heartbeat', {}]));
        assert.equal((await station.until('after')).pop()![0], 3);
        writes.flush();
        assert.deepEqual(changedTables(before, domainSnapshot(db)), [], 'domain tables changed by malformed input');
        const logAfter = (await messageLog.forStation(stationId, 1_000_000)).length;
        assert.ok(logAfter > logBefore, 'malformed frames are kept in the message log');
        const fresh = await connect(server, `${stationId}-NEW`, version);
        fresh.send(JSON.stringify([2, 'b', 'BootNotification', boots[version]]));
        assert.equal((await fresh.until('b')).pop()![0], 3);
        fresh.socket.terminate();
        assert.equal((await getJson(`${server.baseUrl}/api/v1/health`)).body.status, 'ok');
        await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/stations/${stationId}`)).body.connected === true, 3000, 'fuzzed station shown connected');
        t.diagnostic(JSON.stringify({ seed, frames: sent, ms: Date.now() - started, closes, skippedValidMutations: fuzzer.skipped, categories }));
        station.socket.terminate();
      } finally {
        await server.stop();
      }
    });
  });
}
