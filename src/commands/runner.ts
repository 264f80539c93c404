import type { StationService } from '../domain/station-service.ts';
import { StationOfflineError, type StationLink } from '../ocpp/station-link.ts';
import { checkParams } from './params.ts';
import { UnsupportedCommandError, defaultOutcome, type CommandOutcome, type CommandSpec } from './spec.ts';

export class UnknownCommandError extends Error {
  constructor(name: string) {
    super(`no command '${name}'`);
    this.name = 'UnknownCommandError';
  }
}

/** Runs version-neutral commands against stations: validate parameters, translate, send, read the answer. */
export class CommandRunner {
  private readonly specs = new Map<string, CommandSpec>();
  private readonly stations: StationService;
  private readonly link: StationLink;

  constructor(stations: StationService, link: StationLink, specs: CommandSpec[]) {
    this.stations = stations;
    this.link = link;
    for (const spec of specs) {
      if (this.specs.has(spec.name)) throw new Error(`command ${spec.name} defined twice`);
      this.specs.set(spec.name, spec);
    }
  }

  list(): CommandSpec[] {
    return [...this.specs.values()];
  }

  /**
   * Why running `name` with `input` needs the admin role, if it does (see CommandSpec.adminOnly). Undefined also
   * for unknown commands and invalid parameters: run() reports those.
   */
  adminReason(name: string, input: unknown): string | undefined {
    const spec = this.specs.get(name);
    if (!spec?.adminOnly) return undefined;
    let params: unknown;
    try {
      params = checkParams(spec.params, input);
    } catch {
      return undefined;
    }
    return spec.adminOnly(params);
  }

  async run(stationId: string, name: string, input: unknown, timeoutMs?: number, origin?: string): Promise<CommandOutcome> {
    const spec = this.specs.get(name);
    if (!spec) throw new UnknownCommandError(name);
    const station = this.stations.require(stationId);
    const params = checkParams(spec.params, input);
    const version = this.link.versionOf(stationId);
    if (!version) throw new StationOfflineError(stationId);
    const ctx = { station, version, ...(origin ? { origin } : {}) };
    if (spec.perform) return spec.perform(params, ctx, (action, payload) => this.link.send(stationId, action, payload, timeoutMs));
    const request = await spec.toOcpp(params, ctx);
    if (!request) throw new UnsupportedCommandError(name, version);
    let response;
    try {
      response = await this.link.send(stationId, request.action, request.payload, timeoutMs);
    } catch (error) {
      try {
        await spec.failed?.(error as Error, params, ctx);
      } catch {
        // Bookkeeping after a failed call must not hide why the call failed.
      }
      throw error;
    }
    return spec.interpret ? spec.interpret(response, params, ctx, request) : defaultOutcome(response);
  }
}
