import { createRequire } from 'node:module';
import { RPCClient, createValidator } from 'ocpp-rpc';
import type { OcppVersion } from '../ocpp/versions.ts';
import { postJson } from './raw-client.ts';
import type { TestServer } from './server.ts';

// ocpp-rpc 2.2.1 names its 2.1 schemas `urn:XRequest`/`urn:XResponse` but looks them up as `urn:X.req`/`urn:X.conf`,
// so its own strict mode rejects every 2.1 message. Give it the same schemas under the ids it looks for.
const require = createRequire(import.meta.url);
const schemas21 = (require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string }>).map((s) => ({
  ...s,
  $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf'),
}));
export const strictValidator21 = createValidator('ocpp2.1', schemas21);

export type StrictClient = InstanceType<typeof RPCClient>;

/**
 * An independent OCPP implementation (npm ocpp-rpc) in strict mode as the station: it checks every message
 * Ampyard sends it against the official schemas and fails the call if one is invalid.
 */
export async function strictStation(
  server: TestServer,
  identity: string,
  version: OcppVersion,
  options: { register?: boolean; boot?: boolean; callTimeoutMs?: number } = {},
): Promise<StrictClient> {
  if (options.register !== false) await postJson(`${server.baseUrl}/api/v1/stations`, { id: identity });
  const client = new RPCClient({
    endpoint: `ws://127.0.0.1:${server.port}/ocpp`,
    identity,
    protocols: [`ocpp${version}`],
    strictMode: true,
    ...(version === '2.1' ? { strictModeValidators: [strictValidator21] } : {}),
    reconnect: false,
    callTimeoutMs: options.callTimeoutMs ?? 5000,
    // ocpp-rpc's typings mark every option as required.
  } as ConstructorParameters<typeof RPCClient>[0]);
  await client.connect();
  if (options.boot !== false) {
    const boot =
      version === '1.6'
        ? { chargePointVendor: 'Strict', chargePointModel: 'Peer', firmwareVersion: '1.0' }
        : { reason: 'PowerUp', chargingStation: { vendorName: 'Strict', model: 'Peer', firmwareVersion: '1.0' } };
    const answer: any = await client.call('BootNotification', boot);
    if (answer.status !== 'Accepted' && options.register !== false) throw new Error(`boot not accepted: ${JSON.stringify(answer)}`);
  }
  return client;
}
