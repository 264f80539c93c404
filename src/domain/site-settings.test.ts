import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../storage/database.ts';
import { SettingsRepo } from '../storage/settings-repo.ts';
import { WriteQueue } from '../storage/write-queue.ts';
import { SiteSettingsService, type SiteSettings } from './site-settings.ts';

describe('site settings', () => {
  it('a setting never saved follows the configuration; a saved one survives restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampyard-site-'));
    const config = (acceptUnknownStations: boolean): SiteSettings => ({ freeVend: false, remoteStartTimeoutSeconds: 120, acceptUnknownStations, siteName: '', gridLimitA: null });
    const open = (acceptUnknownStations: boolean) => {
      const db = openDatabase(dir);
      return { db, settings: new SiteSettingsService(new SettingsRepo(db), new WriteQueue(db), config(acceptUnknownStations)) };
    };
    try {
      let { db, settings } = open(true);
      const [a, b] = await Promise.all([settings.update({ siteName: 'Depot', gridLimitA: 125 }), settings.update({ freeVend: true })]);
      assert.equal(a.siteName, 'Depot');
      assert.deepEqual([b.siteName, b.gridLimitA, b.freeVend, b.acceptUnknownStations], ['Depot', 125, true, true], 'updates queued together build on each other');
      db.close();

      ({ db, settings } = open(false));
      assert.deepEqual([settings.get().siteName, settings.get().freeVend, settings.get().acceptUnknownStations], ['Depot', true, false], 'acceptUnknownStations was never saved: the flag decides');
      await settings.update({ acceptUnknownStations: true });
      db.close();

      ({ db, settings } = open(false));
      assert.equal(settings.get().acceptUnknownStations, true, 'saved in the settings: it wins over the flag');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
