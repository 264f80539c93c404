import type { SettingsRepo } from '../storage/settings-repo.ts';
import type { TariffsRepo } from '../storage/tariffs-repo.ts';
import type { WriteQueue } from '../storage/write-queue.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { isRegisterReading, sessionEnergy, summariseRegister, type MeterSample } from './meter.ts';
import { costOf, type Tariff, type TariffInput, type TariffSettings, type TransactionCost } from './tariff.ts';
import type { Transaction } from './transaction.ts';

export type { Tariff, TariffInput, TariffSettings, TransactionCost };

const defaultSettings: TariffSettings = { costUpdateIntervalMinutes: 5 };

/**
 * Tariffs (a site default and overrides per id token group) and what sessions cost under them. A session's cost
 * is final once it ended and Ampyard computed it (and told the station); later tariff changes do not alter it.
 */
export class TariffService {
  private readonly repo: TariffsRepo;
  private readonly settingsRepo: SettingsRepo;
  private readonly writes: WriteQueue;
  private readonly meterSeries: (transactionId: number) => MeterSample[];
  private current: TariffSettings;
  /** Tariffs by group ('' for the site default), read once: 2.x sessions look theirs up on every meter update. */
  private readonly byGroup = new Map<string, Tariff | undefined>();

  constructor(repo: TariffsRepo, settingsRepo: SettingsRepo, writes: WriteQueue, meterSeries: (transactionId: number) => MeterSample[]) {
    this.repo = repo;
    this.settingsRepo = settingsRepo;
    this.writes = writes;
    this.meterSeries = meterSeries;
    this.current = { ...defaultSettings, ...(settingsRepo.get<Partial<TariffSettings>>('tariffs') ?? {}) };
  }

  list(): Tariff[] {
    return this.repo.list();
  }

  require(id: number): Tariff {
    const tariff = this.repo.get(id);
    if (!tariff) throw new NotFoundError(`no tariff ${id}`);
    return tariff;
  }

  create(input: TariffInput): Promise<Tariff> {
    return this.writes.run(() => {
      this.byGroup.clear();
      this.ensureScopeFree(input.groupId, undefined);
      return this.repo.get(this.repo.insert(input, new Date().toISOString()))!;
    });
  }

  update(id: number, changes: Partial<TariffInput>): Promise<Tariff> {
    return this.writes.run(() => {
      this.byGroup.clear();
      const existing = this.require(id);
      const next = { ...existing, ...changes };
      this.ensureScopeFree(next.groupId, id);
      this.repo.update(id, next, new Date().toISOString());
      return this.repo.get(id)!;
    });
  }

  remove(id: number): Promise<void> {
    return this.writes.run(() => {
      this.byGroup.clear();
      if (!this.repo.remove(id)) throw new NotFoundError(`no tariff ${id}`);
    });
  }

  settings(): TariffSettings {
    return this.current;
  }

  async updateSettings(changes: Partial<TariffSettings>): Promise<TariffSettings> {
    const next = { ...this.current, ...changes };
    await this.writes.run(() => this.settingsRepo.set('tariffs', next));
    this.current = next;
    return next;
  }

  /** The group's tariff, else the site default; undefined when there is neither (costs are then unknown). */
  forGroup(groupId: string | null): Tariff | undefined {
    return (groupId ? this.tariffOf(groupId) : undefined) ?? this.tariffOf('');
  }

  private tariffOf(groupId: string): Tariff | undefined {
    if (!this.byGroup.has(groupId)) {
      if (this.byGroup.size >= 10_000) this.byGroup.clear();
      this.byGroup.set(groupId, this.repo.byGroup(groupId === '' ? null : groupId));
    }
    return this.byGroup.get(groupId);
  }

  /** The cost of a session as it stands: the stored final cost, or computed now under the tariff that applies. */
  costOf(tx: Transaction, now = new Date()): TransactionCost | undefined {
    const stored = this.repo.cost(tx.id);
    if (stored?.final) return stored;
    const tariff = this.forGroup(tx.groupId);
    if (!tariff) return undefined;
    const energyWh = this.energySoFar(tx);
    const end = tx.endedAt ? Date.parse(tx.endedAt) : now.getTime();
    const durationSeconds = Math.max(0, Math.round((end - Date.parse(tx.startedAt)) / 1000));
    return {
      transactionId: tx.id,
      tariff,
      currency: tariff.currency,
      totalCost: costOf(tariff, energyWh, durationSeconds),
      energyWh,
      durationSeconds,
      final: tx.status === 'ended',
      computedAt: now.toISOString(),
      sentAt: stored?.sentAt ?? null,
      sentCost: stored?.sentCost ?? null,
    };
  }

  /** Computes and keeps the cost of a session (final once it ended); repeated calls return the same final cost. */
  async record(tx: Transaction): Promise<TransactionCost | undefined> {
    return this.writes.run(() => {
      const cost = this.costOf(tx);
      if (cost && !this.repo.cost(tx.id)?.final) this.repo.saveCost(cost);
      return cost ? this.repo.cost(tx.id) : undefined;
    });
  }

  costSent(transactionId: number, totalCost: number, at = new Date()): Promise<void> {
    return this.writes.run(() => this.repo.costSent(transactionId, at.toISOString(), totalCost));
  }

  private ensureScopeFree(groupId: string | null, exceptId: number | undefined): void {
    const holder = this.repo.byGroup(groupId);
    if (holder && holder.id !== exceptId) {
      throw new ConflictError(groupId ? `tariff ${holder.id} already applies to group ${holder.groupId}` : `tariff ${holder.id} is already the site default`);
    }
  }

  private energySoFar(tx: Transaction): number {
    if (tx.status === 'ended' && tx.energyWh !== null) return tx.energyWh;
    const registers = this
      .meterSeries(tx.id)
      .filter(isRegisterReading)
      .map((s) => s.value!);
    return sessionEnergy(tx.meterStartWh, summariseRegister(registers), null) ?? 0;
  }
}
