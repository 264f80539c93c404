import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { balancerStation, placeStation, sendJson } from '../../testing/balancer-station.ts';
import { eventually, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

const AC32 = { evseId: 1, kind: 'AC', phases: 3, maxCurrentA: 32 };

describe('load-management driver state over a restart (SQLite file, migration 017)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ampyard-restart-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the core memory (pause-rotation fairness, phases seen) of running sessions', async () => {
    let server: TestServer = await startTestServer({ dataDir, callTimeoutSeconds: 5 });
    await sendJson(server, 'PATCH', '/site/config', { driver: { debounceMs: 50, cycleSeconds: 0.5, commandTimeoutSeconds: 1, leaseSeconds: 60 } });
    await sendJson(server, 'POST', '/site/circuits', { id: 'grid', limitA: 32 });
    await placeStation(server, 'RS-A', { circuitId: 'grid', evses: [AC32] });
    await postJson(`${server.baseUrl}/api/v1/id-tokens`, { token: 'CARD-R' });
    const station = await balancerStation(server, 'RS-A', '1.6');
    await eventually(() => station.failSafe(), 8000, 'fail-safe profiles');
    const { transactionId } = await station.startSession(1, 'CARD-R');
    const id = String(transactionId);
    const driver = () => server.appliance.services.balancer.driver;
    const before = await eventually(() => driver().lastCycle()?.result.memory.sessions[id]?.runningSince, 4000, 'a cycle with the session running');
    await station.close();
    await server.stop();

    server = await startTestServer({ dataDir, callTimeoutSeconds: 5 });
    try {
      // The session is still open after the restart; the first cycle starts from the memory saved before it.
      server.appliance.services.balancer.driver.cycle();
      const restored = driver().lastCycle()?.state.memory?.sessions[id];
      assert.equal(restored?.runningSince, before);
      assert.ok(restored?.lastA !== undefined && restored.lastA > 0);
    } finally {
      await server.stop();
    }
  });
});
