import type { MeterSample } from '../domain/meter.ts';
import { looksLikeKwh, REGISTER_UNIT_QUIRK, registersFromKwh } from '../domain/register-units.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { HandlerContext } from './dispatcher.ts';

/**
 * A station's meter samples with its energy registers in the right unit. A station known to send kWh labelled
 * Wh has them scaled; for one not known to, `session` (a 1.6 session with its meterStart) may show it, and then
 * the quirk is kept on the station, with a warning the operator can act on. (Storing the quirk is not waited for:
 * were it lost, the next session would show it again.)
 */
export function withRegisterUnits(ctx: HandlerContext, samples: MeterSample[], session?: Pick<Transaction, 'meterStartWh'>): MeterSample[] {
  const { stations, warnings } = ctx.services;
  const station = stations.get(ctx.stationId);
  if (!station || samples.length === 0) return samples;
  if (station.quirks[REGISTER_UNIT_QUIRK] === 'kWh') return registersFromKwh(samples);
  const reading = session ? looksLikeKwh(samples, session.meterStartWh) : undefined;
  if (reading === undefined) return samples;
  stations.setQuirks(ctx.stationId, { ...station.quirks, [REGISTER_UNIT_QUIRK]: 'kWh' }).catch((error) => ctx.log.error('could not store a station quirk', { error }));
  const message = `energy register ${reading} "Wh" beside meterStart ${session!.meterStartWh} Wh: its registers are kWh; reading them as kWh from now on (remove quirks.${REGISTER_UNIT_QUIRK} if wrong)`;
  warnings.add(ctx.stationId, 'register-unit', message);
  ctx.log.warn('station sends kWh registers labelled Wh; reading them as kWh', { reading, meterStartWh: session!.meterStartWh });
  return registersFromKwh(samples);
}
