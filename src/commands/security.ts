import type { Services } from '../app/services.ts';
import { ConflictError } from '../domain/errors.ts';
import { selfIssuedHashData, readCertificates } from '../domain/pem.ts';
import { authorizationKeyHex, newStationPassword, passwordProblem } from '../domain/station-password.ts';
import type { SecurityProfile } from '../domain/station-security-state.ts';
import type { Payload } from '../ocpp/rpc/frames.ts';
import { OutgoingSchemaError } from '../ocpp/rpc/errors.ts';
import { list, obj, text } from '../ocpp/payload.ts';
import { StationOfflineError } from '../ocpp/station-link.ts';
import type { OcppVersion } from '../ocpp/versions.ts';
import { ParamsError } from './params.ts';
import { UnsupportedCommandError, type CommandContext, type CommandOutcome, type CommandSpec } from './spec.ts';

const isV16 = (version: OcppVersion) => version === '1.6';
type Send = (action: string, payload: Payload) => Promise<Payload>;

/** These commands are several calls each (`perform`); there is no single-call form. */
const severalCalls = (name: string) => (_params: unknown, { version }: CommandContext): never => {
  throw new UnsupportedCommandError(`${name} as a single call`, version);
};

/** The status of a 1.6 ChangeConfiguration or of the one variable of a 2.x SetVariables, lower-cased. */
function configurationStatus(version: OcppVersion, response: Payload): string {
  if (isV16(version)) return String(response['status'] ?? 'Rejected').toLowerCase();
  return String(list(response['setVariableResult'])[0]?.['attributeStatus'] ?? 'Rejected').toLowerCase();
}

const applied = (status: string) => status === 'accepted' || status === 'rebootrequired';

function setVariable(component: string, variable: string, value: string): Payload {
  return { setVariableData: [{ component: { name: component }, variable: { name: variable }, attributeValue: value }] };
}

function passwordRequest(version: OcppVersion, password: string): { action: string; payload: Payload } {
  return isV16(version)
    ? { action: 'ChangeConfiguration', payload: { key: 'AuthorizationKey', value: authorizationKeyHex(password) } }
    : { action: 'SetVariables', payload: setVariable('SecurityCtrlr', 'BasicAuthPassword', password) };
}

const profileParam = { enum: [1, 2, 3], description: 'the security profile to move the station to' };

/**
 * Station security over OCPP: passwords (1.6 AuthorizationKey / 2.x SecurityCtrlr.BasicAuthPassword), profile
 * upgrades (1.6 ChangeConfiguration SecurityProfile; 2.x SetNetworkProfile + NetworkConfigurationPriority +
 * Reset, A05) and asking for a new certificate from the site CA (A02/A03).
 */
export function securityCommands(services: Services): CommandSpec[] {
  const { security, stationCa, pki, certificates } = services;

  /** Sends a new password; both it and the old one are accepted until the station reconnects with the new one. */
  const changePassword = async (stationId: string, version: OcppVersion, password: string, generated: boolean, send: Send): Promise<{ status: string; changed: boolean }> => {
    const hash = await security.passwordChangeStarted(stationId, password, generated);
    const { action, payload } = passwordRequest(version, password);
    let response: Payload;
    try {
      response = await send(action, payload);
    } catch (error) {
      // Not sent at all: the station keeps the old one. Sent without an answer: it may have either, both stay accepted.
      if (error instanceof OutgoingSchemaError || error instanceof StationOfflineError) await security.passwordChangeRefused(stationId, hash);
      throw error;
    }
    const status = configurationStatus(version, response);
    if (!applied(status)) await security.passwordChangeRefused(stationId, hash);
    else void services.securityEvents.own('StationPasswordChanged', { stationId, techInfo: 'new password sent; the old one is accepted until the station reconnects with it' });
    return { status, changed: applied(status) };
  };

  const setStationPassword: CommandSpec<{ password?: string }> = {
    name: 'setStationPassword',
    toOcpp: severalCalls('setStationPassword'),
    summary: 'Give the station a new Basic-auth password (generated unless given; shown once in the result). The old one stays accepted until the station reconnects with the new one.',
    params: {
      type: 'object',
      properties: { password: { type: 'string', minLength: 16, maxLength: 40, description: 'default: a generated one (20 characters)' } },
      additionalProperties: false,
    },
    perform: async ({ password: given }, { station, version }, send) => {
      const problem = given === undefined ? undefined : passwordProblem(given, version);
      if (problem) throw new ParamsError([{ field: 'password', message: problem }]);
      const password = given ?? newStationPassword();
      const { status, changed } = await changePassword(station.id, version, password, given === undefined, send);
      return {
        status,
        response: {},
        result: changed ? { password: given === undefined ? password : undefined, note: 'the old password is accepted until the station connects with the new one' } : { note: 'the station keeps its password' },
      };
    },
  };

  /** Installs the site CA as the station's CSMS root (needed before it can check Ampyard's TLS certificate). */
  const installSiteCa = async (ctx: CommandContext, send: Send): Promise<string> => {
    const certificateType = isV16(ctx.version) ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate';
    const response = await send('InstallCertificate', { certificateType, certificate: pki.caPem() });
    const status = String(response['status'] ?? '').toLowerCase();
    if (status === 'accepted') {
      const parsed = readCertificates(pki.caPem());
      const hash = typeof parsed === 'string' ? undefined : selfIssuedHashData(parsed[0]!);
      if (hash) await certificates.installed(ctx.station.id, { ...hash, certificateType: 'CSMSRootCertificate', childCertificateHashData: null, source: 'installed', certificate: pki.caPem() });
    }
    return status;
  };

  const csmsUrl = (stationId: string, profile: SecurityProfile): string => {
    const { port, tlsPort } = security.endpoints;
    const seen = security.lastHost(stationId);
    const host = seen ? new URL(`http://${seen}`).hostname : 'localhost';
    return profile >= 2 ? `wss://${host}:${tlsPort}/ocpp` : `ws://${host}:${port}/ocpp`;
  };

  /** 2.x A05: a new network profile in a free slot, tried first, the current ones kept as fallback; then a reset. */
  const switchNetworkProfile = async (ctx: CommandContext, send: Send, profile: SecurityProfile, url: string, ocppInterface: string | undefined, slot: number | undefined) => {
    const read = await send('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] });
    const current = text(list(read['getVariableResult'])[0]?.['attributeValue']) ?? '';
    const slots = current.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 0);
    const configurationSlot = slot ?? (slots.length ? Math.max(...slots) + 1 : 1);
    const connectionData: Payload = {
      ocppTransport: 'JSON',
      ocppCsmsUrl: url,
      messageTimeout: 30,
      securityProfile: profile,
      ocppInterface: ocppInterface ?? (ctx.version === '2.1' ? 'Any' : 'Wired0'),
    };
    if (ctx.version === '2.0.1') connectionData['ocppVersion'] = 'OCPP20';
    const set = await send('SetNetworkProfile', { configurationSlot, connectionData });
    if (String(set['status']).toLowerCase() !== 'accepted') return { status: String(set['status']).toLowerCase(), configurationSlot, step: 'SetNetworkProfile' };
    const priority = [configurationSlot, ...slots.filter((s) => s !== configurationSlot)].join(',');
    const prioritized = configurationStatus(ctx.version, await send('SetVariables', setVariable('OCPPCommCtrlr', 'NetworkConfigurationPriority', priority)));
    if (!applied(prioritized)) return { status: prioritized, configurationSlot, step: 'NetworkConfigurationPriority' };
    await security.upgradeStarted(ctx.station.id, profile);
    const reset = await send('Reset', { type: 'OnIdle' });
    return { status: 'accepted', configurationSlot, priority, reset: String(reset['status']).toLowerCase() };
  };

  const setSecurityProfile: CommandSpec<{ securityProfile: SecurityProfile; csmsUrl?: string; ocppInterface?: string; configurationSlot?: number }> = {
    name: 'setSecurityProfile',
    toOcpp: severalCalls('setSecurityProfile'),
    summary:
      'Move the station up to security profile 1, 2 or 3 (sets a password and installs the site CA first when needed). The old profile stays accepted until the station has connected with the new one. OCPP forbids lowering it remotely.',
    params: {
      type: 'object',
      properties: {
        securityProfile: profileParam,
        csmsUrl: { type: 'string', pattern: '^wss?://', maxLength: 500, description: 'OCPP 2.x: the URL for the new profile, without the station id (default: the host the station uses now, Ampyard’s ports)' },
        ocppInterface: { enum: ['Wired0', 'Wired1', 'Wired2', 'Wired3', 'Wireless0', 'Wireless1', 'Wireless2', 'Wireless3', 'Any'], description: 'OCPP 2.x (default Wired0; 2.1: Any)' },
        configurationSlot: { type: 'integer', minimum: 0, description: 'OCPP 2.x network profile slot (default: after the ones in use)' },
      },
      required: ['securityProfile'],
      additionalProperties: false,
    },
    perform: async (params, ctx, send): Promise<CommandOutcome> => {
      const { station, version } = ctx;
      const target = params.securityProfile;
      const state = security.state(station.id);
      const from = state.securityProfile ?? state.lastProfile ?? 0;
      if (target <= from) {
        throw new ConflictError(`the station is at security profile ${from}; OCPP does not allow lowering it remotely. Reconfigure the charger locally, then set the profile Ampyard accepts (PUT /api/v1/stations/${station.id}/security)`);
      }
      if (target >= 2 && security.endpoints.tlsPort === null) throw new ConflictError('the TLS listener is off (--tls-port 0); profiles 2 and 3 need it');
      if (target === 3 && !stationCa.usableCertificate(station.id)) {
        throw new ConflictError('the station has no valid certificate from the site CA yet; request one first (POST /api/v1/stations/:id/security/certificate)');
      }
      if (params.csmsUrl && isV16(version)) throw new ParamsError([{ field: 'csmsUrl', message: 'OCPP 1.6 has no URL in the upgrade; the charger keeps its own' }]);
      const steps: Record<string, unknown> = {};
      let password: string | undefined;
      if (target <= 2 && !state.hasPassword) {
        password = newStationPassword();
        const changed = await changePassword(station.id, version, password, true, send);
        steps['password'] = changed.status;
        if (!changed.changed) return { status: changed.status, response: {}, result: { steps, failedAt: 'password' } };
      }
      if (target >= 2) {
        steps['installSiteCa'] = await installSiteCa(ctx, send);
        if (steps['installSiteCa'] !== 'accepted') return { status: String(steps['installSiteCa']), response: {}, result: { steps, failedAt: 'installSiteCa' } };
      }
      if (isV16(version)) {
        const status = configurationStatus(version, await send('ChangeConfiguration', { key: 'SecurityProfile', value: String(target) }));
        steps['securityProfile'] = status;
        if (!applied(status)) return { status, response: {}, result: { steps, failedAt: 'securityProfile' } };
        await security.upgradeStarted(station.id, target);
        // The charger reconnects with the new profile by itself; one that needs a reboot for it gets one.
        if (status === 'rebootrequired') steps['reset'] = String((await send('Reset', { type: 'Soft' }))['status']).toLowerCase();
        return { status: 'accepted', response: {}, result: { securityProfile: target, pending: true, password, steps } };
      }
      const url = params.csmsUrl ?? csmsUrl(station.id, target);
      const switched = await switchNetworkProfile(ctx, send, target, url, params.ocppInterface, params.configurationSlot);
      Object.assign(steps, switched);
      if (switched.status !== 'accepted') return { status: switched.status, response: {}, result: { steps, failedAt: switched.step } };
      return { status: 'accepted', response: {}, result: { securityProfile: target, pending: true, csmsUrl: url, password, steps } };
    },
  };

  const requestStationCertificate: CommandSpec<Record<string, never>> = {
    name: 'requestStationCertificate',
    toOcpp: severalCalls('requestStationCertificate'),
    summary: 'Have the station make a new key and CSR for its certificate (sets the organization it must put in the CSR first); the site CA signs and delivers it without further action.',
    params: { type: 'object', properties: {}, additionalProperties: false },
    perform: async (_params, { version }, send) => {
      const organization = stationCa.organization;
      const organizationSet = isV16(version)
        ? configurationStatus(version, await send('ChangeConfiguration', { key: 'CpoName', value: organization }))
        : configurationStatus(version, await send('SetVariables', setVariable('SecurityCtrlr', 'OrganizationName', organization)));
      const trigger = isV16(version)
        ? await send('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' })
        : await send('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
      const status = String(obj(trigger)['status'] ?? 'rejected').toLowerCase();
      return { status, response: trigger, result: { organization, organizationSet } };
    },
  };

  return [setStationPassword, setSecurityProfile, requestStationCertificate];
}
