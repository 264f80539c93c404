import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Modbus from 'jsmodbus';
import { eventually, getJson } from '../../testing/raw-client.ts';
import { startTestServer } from '../../testing/server.ts';
import { ModbusPoller, type PollResult } from './modbus-poller.ts';

/** A tiny Modbus TCP meter on 127.0.0.1 (jsmodbus' server over a plain net.Server): registers are plain buffers. */
async function meterServer(): Promise<{ port: number; input: Buffer; holding: Buffer; server: Server; close(): Promise<void> }> {
  const input = Buffer.alloc(400);
  const holding = Buffer.alloc(400);
  const server = createServer();
  new Modbus.server.TCP(server, { input, holding });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as { port: number }).port, input, holding, server,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** An int32 at a register address, least significant word first (Carlo Gavazzi). */
function int32Low(buffer: Buffer, address: number, value: number): void {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  bytes.copy(buffer, address * 2, 2, 4);
  bytes.copy(buffer, address * 2 + 2, 0, 2);
}

describe('Modbus TCP site meter', () => {
  let meter: Awaited<ReturnType<typeof meterServer>>;
  before(async () => {
    meter = await meterServer();
    // Eastron SDM630: input registers, floats; currents at 30007/9/11, powers at 30013/15/17.
    [12.5, 20.25, 7].forEach((a, i) => meter.input.writeFloatBE(a, (0x06 + 2 * i) * 2));
    [2875, 4657.5, 1610].forEach((w, i) => meter.input.writeFloatBE(w, (0x0c + 2 * i) * 2));
    // Carlo Gavazzi EM24: holding registers, INT32 LSW first; mA and W × 10.
    [31_500, 16_000, 250].forEach((ma, i) => int32Low(meter.holding, 0x0c + 2 * i, ma));
    [72_450, 36_800, -575].forEach((w10, i) => int32Low(meter.holding, 0x12 + 2 * i, w10));
  });
  after(() => meter.close());

  const poll = async (source: object): Promise<PollResult> => {
    const poller = new ModbusPoller({ host: '127.0.0.1', port: meter.port, unitId: 1, pollSeconds: 1, timeoutMs: 500, ...source }, () => undefined, () => undefined);
    try {
      return await poller.poll();
    } finally {
      poller.stop();
    }
  };

  it('reads the presets of two common three-phase meters and a map given as data', async () => {
    assert.deepEqual(await poll({ preset: 'eastron-sdm630' }), { currentA: [12.5, 20.25, 7], powerW: [2875, 4657.5, 1610] });
    assert.deepEqual(await poll({ preset: 'carlo-gavazzi-em24' }), { currentA: [31.5, 16, 0.25], powerW: [7245, 3680, -57.5] });
    meter.holding.writeUInt16BE(123, 100 * 2);
    meter.holding.writeUInt16BE(45, 101 * 2);
    meter.holding.writeUInt16BE(6, 102 * 2);
    const custom = { table: 'holding', currentA: [100, 101, 102].map((address) => ({ address, type: 'uint16', scale: 0.1 })) };
    assert.deepEqual(await poll({ registers: custom }), { currentA: [12.3, 4.5, 0.6], powerW: null });
  });

  it('fails a read when nothing answers in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const poller = new ModbusPoller({ host: '127.0.0.1', port: (silent.address() as { port: number }).port, unitId: 1, pollSeconds: 1, timeoutMs: 300, preset: 'eastron-sdm630' }, () => undefined, () => undefined);
      await assert.rejects(poller.poll());
      poller.stop();
    } finally {
      silent.close();
    }
  });

  it('is polled every few seconds for a circuit with a Modbus meter; a silent meter becomes stale', async () => {
    const server = await startTestServer();
    const own = await meterServer();
    [10, 11, 12].forEach((a, i) => own.input.writeFloatBE(a, (0x06 + 2 * i) * 2));
    try {
      const res = await server.api('/site/circuits', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'grid', limitA: 100, fallbackLoadA: 40, meter: { kind: 'modbus', staleAfterSeconds: 1, modbus: { host: '127.0.0.1', port: own.port, preset: 'eastron-sdm630', pollSeconds: 0.2, timeoutMs: 300 } } }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const fresh = await eventually(async () => {
        const m = (await getJson(`${server.baseUrl}/api/v1/site/meters`)).body.items[0];
        return m?.lastReading ? m : undefined;
      }, 3000, 'a reading');
      assert.deepEqual([fresh.kind, fresh.stale, fresh.lastReading.currentA, fresh.lastReading.source], ['modbus', false, [10, 11, 12], 'modbus']);
      [15, 11, 12].forEach((a, i) => own.input.writeFloatBE(a, (0x06 + 2 * i) * 2));
      await eventually(async () => (await getJson(`${server.baseUrl}/api/v1/site/meters`)).body.items[0].lastReading.currentA[0] === 15, 3000, 'polled again');
      await own.close();
      const silent = await eventually(async () => {
        const m = (await getJson(`${server.baseUrl}/api/v1/site/meters`)).body.items[0];
        return m.stale && m.lastError ? m : undefined;
      }, 4000, 'stale');
      assert.equal(silent.lastReading.currentA[0], 15);
    } finally {
      await own.close().catch(() => undefined);
      await server.stop();
    }
  });
});
