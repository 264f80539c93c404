import { rebootWhenInstalled } from '../../commands/firmware.ts';
import type { JobKind } from '../../domain/station-job.ts';
import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import { int } from '../payload.ts';
import type { Payload } from '../rpc/frames.ts';

async function report(ctx: HandlerContext, kind: JobKind, p: Payload): Promise<Payload> {
  const { job } = await ctx.services.stationJobs.stationReported(ctx.stationId, kind, p['status'] as string, int(p['requestId']));
  if (job) rebootWhenInstalled(ctx.services, job);
  return {};
}

/**
 * OCPP 1.6 Firmware Management profile and the security extension's firmware and log notifications. The
 * plain 1.6 messages carry no requestId: they belong to the station's newest unfinished job of their kind.
 */
export const v16Firmware: HandlerTable = {
  FirmwareStatusNotification: (ctx, p) => report(ctx, 'firmware', p),
  DiagnosticsStatusNotification: (ctx, p) => report(ctx, 'diagnostics', p),
  SignedFirmwareStatusNotification: (ctx, p) => report(ctx, 'signed-firmware', p),
  LogStatusNotification: (ctx, p) => report(ctx, 'log', p),
};
