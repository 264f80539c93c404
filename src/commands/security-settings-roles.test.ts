import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUserWithToken, withToken } from '../testing/auth.ts';
import { startTestServer, type TestServer } from '../testing/server.ts';
import { strictStation, type StrictClient } from '../testing/strict-station.ts';
import { isSecurityKey } from './security-settings.ts';

// Issue #7: operators run the generic configuration commands, but not on station security settings (the station
// password, security profile, certificate handling); those are for admins, through the security commands.
describe('station security settings through configuration commands, by role', () => {
  let server: TestServer;
  let v16: StrictClient;
  let v201: StrictClient;
  const received: string[] = [];
  let operator: ReturnType<typeof withToken>;
  let viewer: ReturnType<typeof withToken>;
  let admin: ReturnType<typeof withToken>;
  const command = (as: ReturnType<typeof withToken>, station: string, name: string, body: unknown) =>
    as(`/stations/${station}/commands/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    server = await startTestServer();
    operator = withToken(server, (await createUserWithToken(server, 'sec-otto', 'operator')).token);
    viewer = withToken(server, (await createUserWithToken(server, 'sec-vera', 'viewer')).token);
    admin = withToken(server, server.token);
    v16 = await strictStation(server, 'SEC-16', '1.6');
    v16.handle('ChangeConfiguration', async ({ params }: any) => (received.push(`1.6 ${params.key}=${params.value}`), { status: 'Accepted' }));
    v201 = await strictStation(server, 'SEC-201', '2.0.1');
    v201.handle('SetVariables', async ({ params }: any) => ({
      setVariableResult: params.setVariableData.map((d: any) => {
        received.push(`2.0.1 ${d.component.name}/${d.variable.name}=${d.attributeValue}`);
        return { attributeStatus: 'Accepted', component: d.component, variable: d.variable };
      }),
    }));
  });
  after(async () => {
    await v16?.close({ force: true });
    await v201?.close({ force: true });
    await server.stop();
  });

  const refused = async (res: Response, what: string) => {
    assert.equal(res.status, 403, what);
    const error = ((await res.json()) as any).error;
    assert.equal(error.code, 'forbidden', what);
    return error.message as string;
  };

  it('operators: ordinary keys and variables go through; security settings are refused with 403 and nothing is sent', async () => {
    assert.equal((await command(operator, 'SEC-16', 'changeConfiguration', { key: 'HeartbeatInterval', value: '300' })).status, 200);
    assert.equal((await command(operator, 'SEC-201', 'setVariables', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '300' }] })).status, 200);
    assert.equal((await command(operator, 'SEC-201', 'changeConfiguration', { key: 'OCPPCommCtrlr/HeartbeatInterval', value: '600' })).status, 200);
    received.length = 0;

    const message = await refused(await command(operator, 'SEC-16', 'changeConfiguration', { key: 'AuthorizationKey', value: '3132333435363738393031323334353637383930' }), '1.6 AuthorizationKey');
    assert.match(message, /AuthorizationKey.*needs the admin role/);
    await refused(await command(operator, 'SEC-16', 'changeConfiguration', { key: 'securityprofile', value: '0' }), '1.6 SecurityProfile, any case');
    await refused(await command(operator, 'SEC-201', 'changeConfiguration', { key: 'SecurityCtrlr/BasicAuthPassword', value: 'a-new-password-1234' }), '2.0.1 BasicAuthPassword as a key');
    await refused(await command(operator, 'SEC-201', 'changeConfiguration', { key: 'SecurityCtrlr/SecurityProfile', value: '1' }), '2.0.1 SecurityProfile as a key');
    const mixed = await refused(
      await command(operator, 'SEC-201', 'setVariables', {
        variables: [
          { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '300' },
          { component: 'SecurityCtrlr', variable: 'BasicAuthPassword', value: 'a-new-password-1234' },
          { component: 'SecurityCtrlr', variable: 'SecurityProfile', value: '0' },
        ],
      }),
      '2.0.1 SetVariables with security variables among others',
    );
    assert.match(mixed, /SecurityCtrlr\/BasicAuthPassword, SecurityCtrlr\/SecurityProfile/);
    await refused(await command(operator, 'SEC-201', 'setVariables', { variables: [{ component: 'OCPPCommCtrlr', variable: 'NetworkConfigurationPriority', value: '1' }] }), 'network profile order');
    assert.equal((await operator('/stations/SEC-16/ocpp/ChangeConfiguration', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"AuthorizationKey","value":"00"}' })).status, 403, 'the raw OCPP action is admin-only');
    assert.deepEqual(received, [], 'nothing reached the stations');
  });

  it('viewers run no configuration command at all', async () => {
    assert.equal((await command(viewer, 'SEC-16', 'changeConfiguration', { key: 'HeartbeatInterval', value: '300' })).status, 403);
    assert.equal((await command(viewer, 'SEC-201', 'setVariables', { variables: [{ component: 'SecurityCtrlr', variable: 'SecurityProfile', value: '1' }] })).status, 403);
  });

  it('admins change security profiles through them; station passwords still go through setStationPassword', async () => {
    received.length = 0;
    assert.equal((await command(admin, 'SEC-16', 'changeConfiguration', { key: 'SecurityProfile', value: '1' })).status, 200);
    assert.equal((await command(admin, 'SEC-201', 'setVariables', { variables: [{ component: 'SecurityCtrlr', variable: 'SecurityProfile', value: '1' }] })).status, 200);
    assert.deepEqual(received, ['1.6 SecurityProfile=1', '2.0.1 SecurityCtrlr/SecurityProfile=1']);
    for (const [station, name, body] of [
      ['SEC-16', 'changeConfiguration', { key: 'AuthorizationKey', value: '3132333435363738393031323334353637383930' }],
      ['SEC-201', 'setVariables', { variables: [{ component: 'SecurityCtrlr', variable: 'BasicAuthPassword', value: 'a-new-password-1234' }] }],
    ] as const) {
      const res = await command(admin, station, name, body);
      assert.equal(res.status, 400, `${station} ${name}`);
      assert.match(JSON.stringify(await res.json()), /setStationPassword/);
    }
    assert.equal(received.length, 2, 'no password was sent behind Ampyard’s back');
  });

  it('which keys count as security settings', () => {
    for (const key of ['AuthorizationKey', 'SecurityProfile', 'CpoName', 'AdditionalRootCertificateCheck', 'SecurityCtrlr/BasicAuthPassword', 'SecurityCtrlr/Identity', 'securityctrlr/securityprofile', 'OCPPCommCtrlr/NetworkConfigurationPriority']) {
      assert.equal(isSecurityKey(key), true, key);
    }
    for (const key of ['HeartbeatInterval', 'OCPPCommCtrlr/HeartbeatInterval', 'AuthCtrlr/AuthorizeRemoteStart', 'MeterValueSampleInterval']) {
      assert.equal(isSecurityKey(key), false, key);
    }
  });
});
