import type { Services } from '../app/services.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { UnsupportedCommandError, type CommandSpec } from './spec.ts';

export function tariffCommands(services: Services): CommandSpec[] {
  const { transactions, tariffs } = services;

  const costUpdated: CommandSpec<{ transactionId: number }> = {
    name: 'costUpdated',
    summary: 'Tell an OCPP 2.x station what a running session has cost so far (sent by Ampyard itself on meter updates, see tariff settings).',
    params: { type: 'object', properties: { transactionId: { type: 'integer', minimum: 1, description: 'Ampyard transaction id' } }, required: ['transactionId'], additionalProperties: false },
    toOcpp: async ({ transactionId }, { version, station }) => {
      if (version === '1.6') throw new UnsupportedCommandError('costUpdated', version, 'OCPP 1.6 has no CostUpdated');
      const tx = transactions.get(transactionId);
      if (!tx || tx.stationId !== station.id) throw new NotFoundError(`no transaction ${transactionId} on station ${station.id}`);
      if (tx.status !== 'active') throw new ConflictError(`transaction ${transactionId} has already ended`);
      const cost = await tariffs.record(tx);
      if (!cost) throw new ConflictError(`no tariff applies to transaction ${transactionId}: add a site default tariff or one for group ${tx.groupId ?? '(none)'}`);
      return { action: 'CostUpdated', payload: { totalCost: cost.totalCost, transactionId: tx.stationTxId } };
    },
    interpret: async (response, { transactionId }, _ctx, request) => {
      const totalCost = request.payload['totalCost'] as number;
      await tariffs.costSent(transactionId, totalCost);
      return { status: 'accepted', response, result: { totalCost } };
    },
  };

  return [costUpdated];
}

/**
 * Keeps the final cost of every session that ends, and sends CostUpdated to 2.x stations while sessions run: on a session's meter updates, at most once every
 * `costUpdateIntervalMinutes` (tariff settings; 0 = never), and only where a tariff applies.
 */
export function startCostUpdates(services: Services, now: () => number = Date.now): () => void {
  const { events, tariffs, link, commands, log } = services;
  const lastSent = new Map<number, number>();
  return events.subscribe((event) => {
    if (event.type === 'transaction.ended') {
      lastSent.delete(event.data.id);
      // Every version's sessions get their final cost kept (2.x also tells the station in TransactionEvent).
      tariffs.record(event.data).catch((error: Error) => log.error('could not record the cost of a session', { transaction: event.data.id, error: error.message }));
      return;
    }
    if (event.type !== 'transaction.updated' || event.data.status !== 'active') return;
    const tx = event.data;
    // Cheapest checks first: every meter value of a running session passes here.
    const intervalMs = tariffs.settings().costUpdateIntervalMinutes * 60_000;
    if (intervalMs <= 0) return;
    const last = lastSent.get(tx.id);
    if (last !== undefined && now() - last < intervalMs) return;
    if (!tariffs.forGroup(tx.groupId)) return;
    const version = link.versionOf(tx.stationId);
    if (!version || version === '1.6') return;
    lastSent.set(tx.id, now());
    commands
      .run(tx.stationId, 'costUpdated', { transactionId: tx.id })
      .catch((error: Error) => log.info('could not send a cost update', { station: tx.stationId, transaction: tx.id, error: error.message }));
  });
}
