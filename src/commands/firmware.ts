import type { Services } from '../app/services.ts';
import type { StationJob, JobKind } from '../domain/station-job.ts';
import { obj, text } from '../ocpp/payload.ts';
import type { Payload } from '../ocpp/rpc/frames.ts';
import { UnsupportedCommandError, type CommandContext, type CommandOutcome, type CommandSpec } from './spec.ts';

const isV16 = (version: string) => version === '1.6';
const time = { type: 'string', format: 'date-time' };
const retryParams = {
  retries: { type: 'integer', minimum: 0, maximum: 1000, description: 'how often the station retries before giving up' },
  retryInterval: { type: 'integer', minimum: 0, maximum: 86_400, description: 'seconds between retries' },
};
const rebootParams = {
  rebootAfterInstall: { type: 'boolean', default: true, description: 'ask the station to reboot (soft reset) once it reports Installed, if it has not rebooted by itself' },
  rebootDelaySeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 60, description: 'how long to wait for the station to reboot by itself after Installed' },
};
const signatureParams = {
  signingCertificate: { type: 'string', minLength: 1, maxLength: 5500, description: 'PEM certificate the firmware was signed with' },
  signature: { type: 'string', minLength: 1, maxLength: 800, description: 'base64 signature of the firmware' },
};

interface Retries {
  retries?: number;
  retryInterval?: number;
}
interface FirmwareParams extends Retries {
  firmwareId: number;
  retrieveAt?: string;
  installAt?: string;
  signingCertificate?: string;
  signature?: string;
  rebootAfterInstall: boolean;
  rebootDelaySeconds: number;
}
interface LogParams extends Retries {
  startTime?: string;
  stopTime?: string;
}

const iso = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());
const retriesOf = ({ retries, retryInterval }: Retries) => ({ ...(retries !== undefined ? { retries } : {}), ...(retryInterval !== undefined ? { retryInterval } : {}) });
const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

/**
 * Firmware management and log retrieval: each command creates a job (src/domain/station-jobs.ts) before the
 * request is sent, so that the station's status notifications and its upload always find it.
 */
export function firmwareCommands(services: Services): CommandSpec[] {
  const { firmware, stationJobs } = services;
  // The job a command created, for its interpret/failed step (the runner passes the same context to each).
  const jobOf = new WeakMap<CommandContext, StationJob>();

  const start = async (ctx: CommandContext, kind: JobKind, params: object, withRequestId: boolean, firmwareId?: number): Promise<StationJob> => {
    const job = await stationJobs.create({
      stationId: ctx.station.id,
      kind,
      ...(firmwareId !== undefined ? { firmware: firmware.require(firmwareId) } : {}),
      params: params as Record<string, unknown>,
      withRequestId,
      ...(ctx.origin ? { origin: ctx.origin } : {}),
    });
    jobOf.set(ctx, job);
    return job;
  };

  /** Answers with a `status` (and maybe statusInfo): the job follows it. */
  const statusAnswer = async (response: Payload, ctx: CommandContext): Promise<CommandOutcome> => {
    const status = text(response['status']) ?? 'Accepted';
    const info = obj(response['statusInfo']);
    const detail = text(info['reasonCode']) ? [text(info['reasonCode']), text(info['additionalInfo'])].filter(Boolean).join(': ') : null;
    const fileName = text(response['filename']);
    const job = await stationJobs.answered(jobOf.get(ctx)!.id, status, detail ?? (fileName ? `file ${fileName}` : null), fileName);
    return { status: job.status, response, result: { job } };
  };

  const failed = async (error: Error, _params: unknown, ctx: CommandContext) => {
    const job = jobOf.get(ctx);
    if (job) await stationJobs.notSent(job.id, error);
  };

  const firmwarePayload2x = (p: FirmwareParams, job: StationJob) => ({
    requestId: job.requestId!,
    firmware: defined({
      location: job.location,
      retrieveDateTime: iso(p.retrieveAt) ?? new Date().toISOString(),
      installDateTime: iso(p.installAt),
      signingCertificate: p.signingCertificate,
      signature: p.signature,
    }),
    ...retriesOf(p),
  });

  const updateFirmware: CommandSpec<FirmwareParams> = {
    name: 'updateFirmware',
    summary: 'Have the station download a firmware file from Ampyard and install it; follow it in the station’s firmware jobs.',
    params: {
      type: 'object',
      properties: {
        firmwareId: { type: 'integer', minimum: 1 },
        retrieveAt: { ...time, description: 'when to download (default: now)' },
        installAt: { ...time, description: 'OCPP 2.x: when to install' },
        ...retryParams,
        ...signatureParams,
        ...rebootParams,
      },
      required: ['firmwareId'],
      additionalProperties: false,
    },
    toOcpp: async (p, ctx) => {
      if (isV16(ctx.version)) {
        if (p.signature || p.signingCertificate || p.installAt) {
          throw new UnsupportedCommandError('updateFirmware with a signature or install time', ctx.version, 'use signedUpdateFirmware (OCPP 1.6 security extension)');
        }
        const job = await start(ctx, 'firmware', p, false, p.firmwareId);
        return { action: 'UpdateFirmware', payload: { location: job.location, retrieveDate: iso(p.retrieveAt) ?? new Date().toISOString(), ...retriesOf(p) } };
      }
      const job = await start(ctx, 'firmware', p, true, p.firmwareId);
      return { action: 'UpdateFirmware', payload: firmwarePayload2x(p, job) };
    },
    // OCPP 1.6 UpdateFirmware.conf is empty (no status): the station took the request.
    interpret: (response, _p, ctx) => statusAnswer(response, ctx),
    failed,
  };

  const signedUpdateFirmware: CommandSpec<FirmwareParams & { signingCertificate: string; signature: string }> = {
    name: 'signedUpdateFirmware',
    summary: 'Firmware update with a signature the station verifies (OCPP 1.6 security extension SignedUpdateFirmware; OCPP 2.x UpdateFirmware).',
    params: {
      type: 'object',
      properties: {
        firmwareId: { type: 'integer', minimum: 1 },
        ...signatureParams,
        retrieveAt: { ...time, description: 'when to download (default: now)' },
        installAt: { ...time, description: 'when to install (default: once downloaded)' },
        ...retryParams,
        ...rebootParams,
      },
      required: ['firmwareId', 'signingCertificate', 'signature'],
      additionalProperties: false,
    },
    toOcpp: async (p, ctx) => {
      const job = await start(ctx, 'signed-firmware', p, true, p.firmwareId);
      return { action: isV16(ctx.version) ? 'SignedUpdateFirmware' : 'UpdateFirmware', payload: firmwarePayload2x(p, job) };
    },
    interpret: (response, _p, ctx) => statusAnswer(response, ctx),
    failed,
  };

  const logRequest = (logType: 'DiagnosticsLog' | 'SecurityLog', p: LogParams, job: StationJob) => ({
    logType,
    requestId: job.requestId!,
    log: defined({ remoteLocation: job.location, oldestTimestamp: iso(p.startTime), latestTimestamp: iso(p.stopTime) }),
    ...retriesOf(p),
  });

  const logParams = {
    startTime: { ...time, description: 'oldest log entries to include' },
    stopTime: { ...time, description: 'newest log entries to include' },
    ...retryParams,
  };

  const getDiagnostics: CommandSpec<LogParams> = {
    name: 'getDiagnostics',
    summary: 'Have the station upload its diagnostics file to Ampyard (OCPP 2.x: GetLog DiagnosticsLog); it appears in the station’s files.',
    params: { type: 'object', properties: logParams, additionalProperties: false },
    toOcpp: async (p, ctx) => {
      if (isV16(ctx.version)) {
        const job = await start(ctx, 'diagnostics', p, false);
        return { action: 'GetDiagnostics', payload: defined({ location: job.location, startTime: iso(p.startTime), stopTime: iso(p.stopTime), ...retriesOf(p) }) };
      }
      const job = await start(ctx, 'diagnostics', p, true);
      return { action: 'GetLog', payload: logRequest('DiagnosticsLog', p, job) };
    },
    interpret: async (response, _p, ctx) => {
      if (!isV16(ctx.version)) return statusAnswer(response, ctx);
      // GetDiagnostics.conf has no status; no fileName means the station may have nothing to send.
      const fileName = text(response['fileName']);
      const job = await stationJobs.answered(jobOf.get(ctx)!.id, 'Accepted', fileName ? `file ${fileName}` : 'the station named no file (it may have no diagnostics)', fileName);
      return { status: job.status, response, result: { job } };
    },
    failed,
  };

  const getLog: CommandSpec<LogParams & { logType: 'diagnostics' | 'security' }> = {
    name: 'getLog',
    summary: 'Have the station upload its diagnostics or security log to Ampyard (OCPP 1.6 security extension, OCPP 2.x GetLog).',
    params: { type: 'object', properties: { logType: { enum: ['diagnostics', 'security'] }, ...logParams }, required: ['logType'], additionalProperties: false },
    toOcpp: async (p, ctx) => {
      const job = await start(ctx, 'log', p, true);
      return { action: 'GetLog', payload: logRequest(p.logType === 'security' ? 'SecurityLog' : 'DiagnosticsLog', p, job) };
    },
    interpret: (response, _p, ctx) => statusAnswer(response, ctx),
    failed,
  };

  return [updateFirmware, signedUpdateFirmware, getDiagnostics, getLog];
}

/**
 * Once a station reports a firmware job Installed, it must boot into the new firmware. Many stations reboot
 * by themselves (and report Installed only after that); if this one has not booted since the job began,
 * Ampyard asks it to (soft reset) after the job's grace period.
 */
export function rebootWhenInstalled(services: Services, job: StationJob): void {
  if (job.family !== 'firmware' || job.status !== 'installed' || job.params['rebootAfterInstall'] === false) return;
  const delaySeconds = typeof job.params['rebootDelaySeconds'] === 'number' ? job.params['rebootDelaySeconds'] : 60;
  const timer = setTimeout(() => {
    const station = services.stations.get(job.stationId);
    const current = services.stationJobs.get(job.id);
    if (!station || !current || !services.link.isConnected(job.stationId)) return;
    if ((station.lastBootAt ?? '') > job.createdAt) return;
    if (current.history.some((h) => h.status === 'reboot_requested')) return;
    services.commands
      .run(job.stationId, 'reset', { type: 'soft' })
      .then((outcome) => services.stationJobs.note(job.id, 'reboot_requested', `soft reset after install; station answered ${outcome.status}`))
      .catch((error: Error) => {
        services.log.warn('could not ask the station to reboot after a firmware install', { station: job.stationId, job: job.id, error: error.message });
        return services.stationJobs.note(job.id, 'reboot_failed', error.message).catch(() => undefined);
      });
  }, delaySeconds * 1000);
  timer.unref();
}
