import type { Services } from '../app/services.ts';
import type { StationJob } from '../domain/station-job.ts';
import { obj, text } from '../ocpp/payload.ts';
import { ParamsError } from './params.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandContext, type CommandSpec } from './spec.ts';

interface PublishParams {
  firmwareId: number;
  retries?: number;
  retryInterval?: number;
}

const only2x = (command: string, ctx: CommandContext) => {
  if (ctx.version === '1.6') throw new UnsupportedCommandError(command, ctx.version, 'firmware publishing by a local controller is OCPP 2.x (L03/L04)');
};

/**
 * OCPP 2.x L03/L04: a local controller downloads a firmware image from Ampyard and serves it to the stations
 * behind it. Each PublishFirmware is a job (kind `publish-firmware`) that follows the controller's
 * PublishFirmwareStatusNotifications; the URIs it publishes at are the job's `result.locations`.
 */
export function firmwarePublishingCommands(services: Services): CommandSpec[] {
  const { firmware, stationJobs } = services;
  const jobOf = new WeakMap<CommandContext, StationJob>();

  const publishFirmware: CommandSpec<PublishParams> = {
    name: 'publishFirmware',
    summary: 'Have a local controller download a firmware file from Ampyard and publish it to its stations (OCPP 2.x PublishFirmware).',
    params: {
      type: 'object',
      properties: {
        firmwareId: { type: 'integer', minimum: 1 },
        retries: { type: 'integer', minimum: 0, maximum: 1000, description: 'how often the controller retries the download' },
        retryInterval: { type: 'integer', minimum: 0, maximum: 86_400, description: 'seconds between retries' },
      },
      required: ['firmwareId'],
      additionalProperties: false,
    },
    toOcpp: async (p, ctx) => {
      only2x('publishFirmware', ctx);
      const image = firmware.require(p.firmwareId);
      const checksum = await firmware.md5(image.id);
      const job = await stationJobs.create({
        stationId: ctx.station.id,
        kind: 'publish-firmware',
        firmware: image,
        params: { ...p, checksum },
        withRequestId: true,
        ...(ctx.origin ? { origin: ctx.origin } : {}),
      });
      jobOf.set(ctx, job);
      const payload: Record<string, unknown> = { location: job.location, checksum, requestId: job.requestId! };
      if (p.retries !== undefined) payload['retries'] = p.retries;
      if (p.retryInterval !== undefined) payload['retryInterval'] = p.retryInterval;
      return { action: 'PublishFirmware', payload };
    },
    interpret: async (response, _p, ctx) => {
      const info = obj(response['statusInfo']);
      const detail = text(info['reasonCode']) ? [text(info['reasonCode']), text(info['additionalInfo'])].filter(Boolean).join(': ') : null;
      const job = await stationJobs.answered(jobOf.get(ctx)!.id, text(response['status']) ?? 'Rejected', detail);
      return { status: job.status, response, result: { job } };
    },
    failed: async (error, _p, ctx) => {
      const job = jobOf.get(ctx);
      if (job) await stationJobs.notSent(job.id, error);
    },
  };

  const unpublishFirmware: CommandSpec<{ firmwareId?: number; checksum?: string }> = {
    name: 'unpublishFirmware',
    summary: 'Have a local controller stop publishing a firmware image, named by its firmware file or MD5 checksum (OCPP 2.x UnpublishFirmware).',
    params: {
      type: 'object',
      properties: {
        firmwareId: { type: 'integer', minimum: 1 },
        checksum: { type: 'string', pattern: '^[0-9a-fA-F]{32}$', description: 'MD5 of the image, hex' },
      },
      additionalProperties: false,
    },
    toOcpp: async (p, ctx) => {
      only2x('unpublishFirmware', ctx);
      if ((p.firmwareId === undefined) === (p.checksum === undefined)) {
        throw new ParamsError([{ field: 'firmwareId', message: 'give either firmwareId or checksum' }]);
      }
      const checksum = p.checksum?.toLowerCase() ?? (await firmware.md5(firmware.require(p.firmwareId!).id));
      return { action: 'UnpublishFirmware', payload: { checksum } };
    },
    interpret: async (response, _p, { station }, request) => {
      const outcome = defaultOutcome(response);
      const jobs = await stationJobs.unpublished(station.id, request.payload['checksum'] as string, text(response['status']) ?? '');
      return { ...outcome, result: { jobs } };
    },
  };

  return [publishFirmware, unpublishFirmware];
}
