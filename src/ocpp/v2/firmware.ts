import { rebootWhenInstalled } from '../../commands/firmware.ts';
import type { JobKind } from '../../domain/station-job.ts';
import type { HandlerContext, HandlerTable } from '../dispatcher.ts';
import { int, obj, text } from '../payload.ts';
import type { Payload } from '../rpc/frames.ts';

/** OCPP 2.1 notifications may say why (statusInfo); kept in the job's history. */
function statusInfoText(p: Payload): string | null {
  const info = obj(p['statusInfo']);
  const reason = text(info['reasonCode']);
  return reason ? [reason, text(info['additionalInfo'])].filter(Boolean).join(': ') : null;
}

async function report(ctx: HandlerContext, kind: JobKind, p: Payload, result?: Record<string, unknown>): Promise<Payload> {
  const { job } = await ctx.services.stationJobs.stationReported(ctx.stationId, kind, p['status'] as string, int(p['requestId']), {
    detail: statusInfoText(p),
    ...(result ? { result } : {}),
  });
  if (job) rebootWhenInstalled(ctx.services, job);
  return {};
}

/**
 * OCPP 2.x L (firmware) and N (log upload) notifications. Each carries the requestId of the job Ampyard made
 * (its id); without one (Idle after a TriggerMessage) it goes to the station's newest unfinished job of its kind.
 */
export const v2Firmware: HandlerTable = {
  FirmwareStatusNotification: (ctx, p) => report(ctx, 'firmware', p),
  LogStatusNotification: (ctx, p) => report(ctx, 'log', p),
  // A local controller publishing firmware (L03); `location` lists the URIs it serves the image at once Published.
  PublishFirmwareStatusNotification: (ctx, p) => {
    const locations = Array.isArray(p['location']) ? (p['location'] as unknown[]).filter((l): l is string => typeof l === 'string') : [];
    return report(ctx, 'publish-firmware', p, locations.length ? { locations } : undefined);
  },
};
