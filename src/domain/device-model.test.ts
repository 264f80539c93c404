import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../storage/database.ts';
import { WriteQueue } from '../storage/write-queue.ts';
import { tempDir } from '../testing/temp-dir.ts';
import { DeviceModelService } from './device-model.ts';

const entry = (variable: string, value: string) => ({ ref: { component: 'OCPPCommCtrlr', variable }, fields: { value } });

describe('device model reports', () => {
  it('counts a part that arrives before the station\'s answer to the request has been recorded', async () => {
    const db = openDatabase(tempDir('ampyard-device-model-'));
    const service = new DeviceModelService(db, new WriteQueue(db));
    // The station answers GetBaseReport and sends its first part at once; the part is stored first.
    await service.reportPart('DM-1', 7, 0, false, [entry('HeartbeatInterval', '300')]);
    await service.reportRequested('DM-1', 7, 'FullInventory', 'Accepted');
    await service.reportPart('DM-1', 7, 1, true, [entry('OfflineThreshold', '60')]);
    const [report] = service.reports('DM-1') as Array<Record<string, unknown>>;
    assert.deepEqual(
      { kind: report!['kind'], status: report!['status'], parts: report!['partsReceived'], last: report!['lastSeqNo'], done: report!['completedAt'] !== null },
      { kind: 'FullInventory', status: 'Accepted', parts: 2, last: 1, done: true },
    );
    db.close();
  });
});
