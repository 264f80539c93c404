import type { CommandRunner } from '../../commands/runner.ts';
import { asFailSafeSend } from '../../commands/smart-charging.ts';
import type { ChargingProfileService } from '../../domain/charging-profiles.ts';
import type { Logger } from '../../log/logger.ts';
import type { StationElectrical } from '../site/model.ts';
import type { FallbackShare } from './fallback-shares.ts';
import { fallbackProfiles, FALLBACK_STACK_LEVEL, stationUnit, type NewProfile } from './profiles.ts';

interface Kept {
  key: string;
  sentAt: number;
  leased: boolean;
  status: 'pending' | 'accepted' | 'failed';
}

export interface FallbackKeeperDeps {
  commands: CommandRunner;
  chargingProfiles: ChargingProfileService;
  log: Logger;
  timeoutMs: () => number;
}

/**
 * Keeps the fail-safe profiles (see `fallbackProfiles`) on every connected managed station: sent when it
 * connects or boots and when its share changes, renewed at a third of the lease so it never runs out while
 * Ampyard runs. What a station acknowledged is also in the stored profiles (re-applied after a reboot).
 */
export class FallbackKeeper {
  private readonly deps: FallbackKeeperDeps;
  private readonly kept = new Map<string, Kept>();

  constructor(deps: FallbackKeeperDeps) {
    this.deps = deps;
  }

  /** Sends the profiles when they changed, were never acknowledged, or their lease is a third gone (or `force`). */
  async ensure(station: StationElectrical, share: FallbackShare, voltageV: number, leaseSeconds: number, now: number, force = false): Promise<void> {
    const unit = stationUnit(station);
    const key = JSON.stringify([share.shareA, share.physicalA, share.physicalW, unit, leaseSeconds, voltageV]);
    const kept = this.kept.get(station.stationId);
    const due = !kept || kept.key !== key || kept.status === 'failed' || (kept.leased && now - kept.sentAt >= (leaseSeconds * 1000) / 3);
    if (!force && (!due || kept?.status === 'pending')) return;
    const profiles = fallbackProfiles(share, unit, voltageV, leaseSeconds, now);
    const entry: Kept = { key, sentAt: now, leased: profiles.leased, status: 'pending' };
    this.kept.set(station.stationId, entry);
    try {
      const statuses = [await this.send(station.stationId, profiles.stationMax), await this.send(station.stationId, profiles.txDefault)];
      entry.status = statuses.every((s) => s === 'accepted') ? 'accepted' : 'failed';
      if (entry.status === 'failed') this.deps.log.warn('station refused its fail-safe charging profiles', { station: station.stationId, statuses });
    } catch (error) {
      entry.status = 'failed';
      this.deps.log.warn('could not send the fail-safe charging profiles', { station: station.stationId, error: (error as Error).message });
    }
  }

  /** The station must get its profiles again (it reconnected or rebooted). */
  forget(stationId: string): void {
    this.kept.delete(stationId);
  }

  /** Whether the station ever acknowledged a fail-safe max profile (then it holds at most its share when Ampyard cannot reach it). */
  acknowledged(stationId: string): boolean {
    const id = this.deps.chargingProfiles.idInSlot(stationId, 0, 'stationMax', FALLBACK_STACK_LEVEL);
    return id !== undefined && this.deps.chargingProfiles.get(stationId, id)?.status === 'accepted';
  }

  status(stationId: string): Kept['status'] | 'none' {
    return this.kept.get(stationId)?.status ?? 'none';
  }

  private async send(stationId: string, profile: NewProfile): Promise<string> {
    const { chargingProfiles, commands } = this.deps;
    const id = chargingProfiles.idInSlot(stationId, 0, profile.purpose, profile.stackLevel);
    const params = asFailSafeSend({ evseId: 0, profile: id === undefined ? profile : { ...profile, id } });
    const outcome = await commands.run(stationId, 'setChargingProfile', params, this.deps.timeoutMs());
    return outcome.status;
  }
}
