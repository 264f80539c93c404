import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';
import { assertDocumentedResponse, documentedSchema, type OpenApiDocument } from '../../testing/openapi-schemas.ts';
import { makeStationCsr } from '../../testing/security.ts';
import { strictStation, type StrictClient } from '../../testing/strict-station.ts';

const resources = ['Station', 'Evse', 'Connector', 'Transaction', 'IdToken', 'IdTokenGroup', 'MeterSample', 'Webhook', 'WebhookDelivery', 'Tariff', 'TransactionCost', 'Reservation', 'User', 'ApiToken', 'Circuit', 'StationElectrical', 'Vehicle', 'SiteConfig', 'SiteConfigDefaults', 'CommandOutcome', 'CommandDescription', 'Health', 'About', 'SignedIn', 'SiteSettings', 'StationEvent', 'StationWarning', 'OcppFrame', 'SitePower', 'SitePowerHistory', 'MeterStatus', 'SiteMeters', 'SiteAllocations', 'FirmwareFile', 'StationFirmwareState', 'StationSecurity', 'IssuedCertificate', 'LocalListStatus', 'LocalListEntry', 'LocalListToken', 'AuditEntry', 'StationJob', 'StationFile', 'ConfigurationEntry', 'PendingRemoteStart', 'SecurityOverview', 'SecurityEvent', 'MeterReading', 'ImportCounts', 'SiteModel', 'StoredChargingProfile', 'DataTransfer', 'CertificateSigningRequest', 'ReportRequest', 'DeviceVariable', 'DisplayMessage', 'VariableMonitor', 'ChargingLimit', 'ChargingProfileReport', 'EvChargingNeeds', 'EvChargingSchedule', 'CustomerInformationRequest', 'Iso15118Request', 'Ocpp21Message', 'StationCertificates'];

describe('the OpenAPI document’s response schemas', () => {
  let server: TestServer;
  let document: OpenApiDocument;
  let station: StrictClient;
  before(async () => {
    server = await startTestServer();
    document = (await (await fetch(`${server.baseUrl}/api/v1/openapi.json`)).json()) as OpenApiDocument;
  });
  after(async () => {
    await station?.close({ force: true });
    await server.stop();
  });

  const documented = (path: string, method: string, status: number) => documentedSchema(document, path, method, status);
  /** Validates against the documented schema, by default with the resources closed (see assertDocumentedResponse). */
  const assertMatches = (path: string, method: string, status: number, body: unknown, closed = true) =>
    assertDocumentedResponse(document, path, method, status, body, closed ? resources : []);

  /** Sends a JSON request as the admin and returns the answer, which must have `status`. */
  const send = async (method: string, path: string, body?: unknown, status = 200): Promise<Record<string, any>> => {
    const res = await server.api(path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await res.json()) as Record<string, any>;
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const read = (path: string) => send('GET', path);

  it('has a schema per main resource, used by the routes that return it', () => {
    for (const name of resources) assert.equal(document.components.schemas[name]?.['type'], 'object', name);
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const page = (name: string) => documented(`/api/v1/${name}`, 'get', 200)['properties'].items.items;
    assert.deepEqual(page('stations'), ref('Station'));
    assert.deepEqual(page('transactions'), ref('Transaction'));
    assert.deepEqual(page('id-tokens'), ref('IdToken'));
    assert.deepEqual(page('id-token-groups'), ref('IdTokenGroup'));
    assert.deepEqual(documented('/api/v1/stations/{id}', 'get', 200), ref('Station'));
    assert.deepEqual(documented('/api/v1/transactions/{id}', 'get', 200), ref('Transaction'));
    assert.deepEqual(documented('/api/v1/id-tokens/{token}', 'get', 200), ref('IdToken'));
    assert.deepEqual(documented('/api/v1/id-tokens', 'post', 201), ref('IdToken'));
    assert.deepEqual(documented('/api/v1/id-token-groups/{id}', 'get', 200), ref('IdTokenGroup'));
  });

  it('describes what the running server really answers', async () => {
    const base = server.baseUrl;
    const group = await postJson(`${base}/api/v1/id-token-groups`, { id: 'FLEET', label: 'Fleet' });
    assert.equal(group.status, 201);
    assertMatches('/api/v1/id-token-groups', 'post', 201, group.body);
    const token = await postJson(`${base}/api/v1/id-tokens`, { token: 'SCHEMA-1', groupId: 'FLEET', label: 'Card', expiresAt: '2099-01-01T00:00:00Z' });
    assert.equal(token.status, 201);
    assertMatches('/api/v1/id-tokens', 'post', 201, token.body);
    const registered = await postJson(`${base}/api/v1/stations`, { id: 'CP-NEW' });
    assert.equal(registered.status, 201);
    assertMatches('/api/v1/stations', 'post', 201, registered.body, false);
    assert.equal(typeof registered.body.credentials.password, 'string');

    station = await strictStation(server, 'CP-SCHEMA', '1.6');
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    const started: any = await station.call('StartTransaction', { connectorId: 1, idTag: 'SCHEMA-1', meterStart: 1000, timestamp: new Date().toISOString() });
    await station.call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });

    const get = async (path: string) => {
      const res = await server.api(path);
      assert.equal(res.status, 200, path);
      return res.json();
    };
    await eventually(async () => ((await get('/transactions')) as any).total === 1, 5000, 'the transaction is listed');
    assertMatches('/api/v1/stations', 'get', 200, await get('/stations'));
    const one = (await get('/stations/CP-SCHEMA')) as any;
    assert.equal(one.evses[0].connectors[0].status, 'preparing', 'connectors are checked too');
    assertMatches('/api/v1/stations/{id}', 'get', 200, one);
    assertMatches('/api/v1/transactions', 'get', 200, await get('/transactions'));
    assertMatches('/api/v1/transactions/{id}', 'get', 200, await get(`/transactions/${started.transactionId}`));
    assertMatches('/api/v1/id-tokens', 'get', 200, await get('/id-tokens'));
    assertMatches('/api/v1/id-tokens/{token}', 'get', 200, await get('/id-tokens/SCHEMA-1'));
    assertMatches('/api/v1/id-token-groups', 'get', 200, await get('/id-token-groups'));
    assertMatches('/api/v1/id-token-groups/{id}', 'get', 200, await get('/id-token-groups/FLEET'));
    const series = (await get(`/transactions/${started.transactionId}/meter-values`)) as any;
    assert.deepEqual(series.items.map((m: any) => [m.measurand, m.value, m.rawValue]), [['Energy.Active.Import.Register', 1500, '1500']]);
    assertMatches('/api/v1/transactions/{id}/meter-values', 'get', 200, series);
    const stationSeries = (await get('/stations/CP-SCHEMA/meter-values')) as any;
    assert.deepEqual(stationSeries.items.map((m: any) => [m.evseId, m.transactionId, m.value]), [[1, started.transactionId, 1500]]);
    // StationMeterSample extends MeterSample (allOf), so it is checked open.
    assertMatches('/api/v1/stations/{id}/meter-values', 'get', 200, stationSeries, false);
    assert.throws(() => assertMatches('/api/v1/stations/{id}/meter-values', 'get', 200, { items: [{ ...stationSeries.items[0], evseId: 'one' }] }, false));

    await station.call('StopTransaction', { transactionId: started.transactionId, idTag: 'SCHEMA-1', meterStop: 2000, timestamp: new Date().toISOString(), reason: 'Local' });
    const ended = (await get(`/transactions/${started.transactionId}`)) as any;
    assert.equal(ended.status, 'ended');
    assertMatches('/api/v1/transactions/{id}', 'get', 200, ended);
    // A document that said nothing would pass everything: a wrong body must fail.
    assert.throws(() => assertMatches('/api/v1/transactions/{id}', 'get', 200, { ...ended, status: 'paused' }));
    assert.throws(() => assertMatches('/api/v1/id-tokens/{token}', 'get', 200, { ...(token.body as object), extra: 1 }));
  });

  it('describes webhooks and their deliveries as the server answers them', async () => {
    const created = await send('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', description: 'ERP', events: ['transaction.*'] }, 201);
    assert.equal(typeof created['secret'], 'string');
    // Webhook plus its secret (allOf), so checked open; the plain answers are checked closed.
    assertMatches('/api/v1/webhooks', 'post', 201, created, false);
    assertMatches('/api/v1/webhooks', 'get', 200, await read('/webhooks'));
    assertMatches('/api/v1/webhooks/{id}', 'get', 200, await read(`/webhooks/${created['id']}`));
    assertMatches('/api/v1/webhooks/{id}', 'patch', 200, await send('PATCH', `/webhooks/${created['id']}`, { rotateSecret: true }, 200), false);
    const ping = await send('POST', `/webhooks/${created['id']}/ping`, undefined, 202);
    assertMatches('/api/v1/webhooks/{id}/ping', 'post', 202, ping);
    const deliveries = (await read(`/webhooks/${created['id']}/deliveries`)) as any;
    assert.equal(deliveries.total, 1);
    assertMatches('/api/v1/webhooks/{id}/deliveries', 'get', 200, deliveries);
    const delivery = await read(`/webhooks/${created['id']}/deliveries/${deliveries.items[0].id}`);
    assert.equal(typeof delivery['body'], 'object');
    assertMatches('/api/v1/webhooks/{id}/deliveries/{deliveryId}', 'get', 200, delivery, false);
    assertMatches('/api/v1/webhooks/event-types', 'get', 200, await read('/webhooks/event-types'));
    assert.throws(() => assertMatches('/api/v1/webhooks/{id}/ping', 'post', 202, { ...ping, status: 'lost' }));
  });

  it('describes tariffs and what a session costs as the server answers them', async () => {
    const tariff = await send('POST', '/tariffs', { name: 'Site', currency: 'EUR', pricePerKwh: 0.3, sessionFee: 1 }, 201);
    assertMatches('/api/v1/tariffs', 'post', 201, tariff);
    assertMatches('/api/v1/tariffs', 'get', 200, await read('/tariffs'));
    assertMatches('/api/v1/tariffs/{id}', 'get', 200, await read(`/tariffs/${tariff['id']}`));
    assertMatches('/api/v1/tariffs/{id}', 'patch', 200, await send('PATCH', `/tariffs/${tariff['id']}`, { message: 'Flat rate' }, 200));
    assertMatches('/api/v1/tariffs/settings', 'patch', 200, await send('PATCH', '/tariffs/settings', { costUpdateIntervalMinutes: 5 }, 200));
    assertMatches('/api/v1/tariffs/settings', 'get', 200, await read('/tariffs/settings'));

    const cp = await strictStation(server, 'CP-COST', '1.6');
    const started: any = await cp.call('StartTransaction', { connectorId: 1, idTag: 'SCHEMA-1', meterStart: 0, timestamp: new Date(Date.now() - 3_600_000).toISOString() });
    await cp.call('StopTransaction', { transactionId: started.transactionId, meterStop: 10_000, timestamp: new Date().toISOString() });
    const cost = (await eventually(async () => {
      const body = (await read(`/transactions/${started.transactionId}/cost`)) as any;
      return body.cost?.final ? body : undefined;
    }, 3000, 'the final cost')) as any;
    assert.equal(cost.cost.totalCost, 4, '1 EUR fee + 10 kWh at 0.30');
    assertMatches('/api/v1/transactions/{id}/cost', 'get', 200, cost);
    await cp.close({ force: true });
  });

  it('describes reservations as the server answers them', async () => {
    const cp = await strictStation(server, 'CP-RESERVE', '1.6');
    cp.handle('ReserveNow', async () => ({ status: 'Accepted' }));
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const made = await postJson(`${server.baseUrl}/api/v1/stations/CP-RESERVE/commands/reserveNow`, { evseId: 1, idToken: 'SCHEMA-1', expiresAt });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const id = made.body.result.reservation.id;
    const one = (await read(`/reservations/${id}`)) as any;
    assert.equal(one.status, 'accepted');
    assertMatches('/api/v1/reservations/{id}', 'get', 200, one);
    assertMatches('/api/v1/reservations', 'get', 200, await read('/reservations?stationId=CP-RESERVE'));
    assert.throws(() => assertMatches('/api/v1/reservations/{id}', 'get', 200, { ...one, evseId: -1 }));
    await cp.close({ force: true });
  });

  it('describes users and API tokens as the server answers them', async () => {
    const user = await send('POST', '/users', { username: 'schema-op', password: 'long enough 1', role: 'operator' }, 201);
    assertMatches('/api/v1/users', 'post', 201, user);
    assertMatches('/api/v1/users/{id}', 'patch', 200, await send('PATCH', `/users/${user['id']}`, { disabled: true }, 200));
    assertMatches('/api/v1/users/{id}', 'get', 200, await read(`/users/${user['id']}`));
    assertMatches('/api/v1/users', 'get', 200, await read('/users'));
    const token = await send('POST', '/tokens', { username: 'schema-op', name: 'ERP' }, 201);
    assert.equal(typeof token['token'], 'string');
    // The token with its secret (allOf), so checked open; the plain answers are checked closed.
    assertMatches('/api/v1/tokens', 'post', 201, token, false);
    assertMatches('/api/v1/tokens/{id}', 'get', 200, await read(`/tokens/${token['id']}`));
    assertMatches('/api/v1/tokens', 'get', 200, await read('/tokens'));
    assert.throws(() => assertMatches('/api/v1/users/{id}', 'get', 200, { ...user, passwordHash: 'x' }), 'a password hash would be an undocumented field');
  });

  it('describes the load-management site model as the server answers it', async () => {
    const grid = await send('POST', '/site/circuits', {
      id: 'grid', limitA: [63, 63, 50], marginA: 2, maxPowerKw: 40, fallbackLoadA: 5,
      schedule: [{ days: [1, 2], from: '17:00', to: '20:00', limitA: 40 }],
      meter: { kind: 'modbus', measures: 'total', modbus: { host: '127.0.0.1', port: 1, preset: 'eastron-sdm630' } },
    }, 201);
    assertMatches('/api/v1/site/circuits', 'post', 201, grid);
    assertMatches('/api/v1/site/circuits/{id}/override', 'put', 200, await send('PUT', '/site/circuits/grid/override', { limitA: 30, until: '2099-01-01T00:00:00Z' }));
    assertMatches('/api/v1/site/circuits', 'get', 200, await read('/site/circuits'));
    assertMatches('/api/v1/site/circuits/{id}', 'get', 200, await read('/site/circuits/grid'));

    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-SITE' });
    const placed = await send('PUT', '/stations/CP-SITE/electrical', {
      circuitId: 'grid', evses: [{ evseId: 1, phases: 1, rotation: ['L3'] }, { evseId: 2, kind: 'DC', maxPowerW: 50_000, unit: 'W' }], quirks: { stepA: 1, noTxProfile: true },
    });
    assertMatches('/api/v1/stations/{id}/electrical', 'put', 200, placed);
    assertMatches('/api/v1/stations/{id}/electrical', 'get', 200, await read('/stations/CP-SITE/electrical'));
    assertMatches('/api/v1/site/stations', 'get', 200, await read('/site/stations'));

    const van = await send('POST', '/site/vehicles', { name: 'Van', idTokens: ['VAN-1'], batteryKwh: 75, phases: 3, departures: [{ days: [1, 2, 3, 4, 5], at: '06:30:15', targetSocPct: 80 }], home: { stationId: 'CP-SITE', evseId: 1 } }, 201);
    assertMatches('/api/v1/site/vehicles', 'post', 201, van);
    assertMatches('/api/v1/site/vehicles/{id}', 'patch', 200, await send('PATCH', `/site/vehicles/${van['id']}`, { priority: 3 }));
    assertMatches('/api/v1/site/vehicles', 'get', 200, await read('/site/vehicles'));

    const config = await send('PATCH', '/site/config', { prices: { default: 0.3, windows: [{ from: '22:00', to: '06:00', price: 0.1 }] }, balancer: { slotMinutes: 15 } });
    assertMatches('/api/v1/site/config', 'patch', 200, config);
    assertMatches('/api/v1/site/config', 'get', 200, await read('/site/config'));
    assert.throws(() => assertMatches('/api/v1/site/config', 'get', 200, { ...config, prices: { default: 0.3 } }));
    const defaults = await read('/site/config/defaults');
    assertMatches('/api/v1/site/config/defaults', 'get', 200, defaults);
    assert.throws(() => assertMatches('/api/v1/site/config/defaults', 'get', 200, { ...defaults, balancer: { slotMinutes: 15 } }));
    assert.throws(() => assertMatches('/api/v1/stations/{id}/electrical', 'get', 200, { ...placed, quirks: { ...placed['quirks'], stepA: undefined } }));

    await send('POST', '/site/circuits', { id: 'feeder', name: 'Feeder', parentId: 'grid', limitA: 32, meter: { kind: 'push' } }, 201);
    assertMatches('/api/v1/site/meter-readings', 'post', 202, await send('POST', '/site/meter-readings', { circuitId: 'feeder', currentA: [1, 2, 3], powerW: [230, 460, 690] }, 202));
    const whole = await read('/site');
    assert.deepEqual(whole['circuits'].map((c: any) => c.id).sort(), ['feeder', 'grid']);
    assertMatches('/api/v1/site', 'get', 200, whole);
    const meters = await read('/site/meters');
    assert.deepEqual(meters['items'].find((m: any) => m.circuitId === 'feeder').lastReading.currentA, [1, 2, 3]);
    assertMatches('/api/v1/site/meters', 'get', 200, meters);
    const history = await read('/site/power-history');
    assert.ok(history['latest'] !== null && history['t'].length === history['powerW'].length);
    assertMatches('/api/v1/site/power-history', 'get', 200, history);
    assert.throws(() => assertMatches('/api/v1/site/power-history', 'get', 200, { ...history, latest: { ...history['latest'], phaseA: [1] } }));

    // A session on the placed station: the allocation lists it with its reason, the circuits and the station's share.
    const charger = await strictStation(server, 'CP-SITE', '1.6');
    try {
      charger.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
      charger.handle('ClearChargingProfile', async () => ({ status: 'Accepted' }));
      await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
      await charger.call('StartTransaction', { connectorId: 1, idTag: 'VAN-1', meterStart: 0, timestamp: new Date().toISOString() });
      let allocations: Record<string, any> = {};
      await eventually(async () => {
        allocations = await read('/site/allocations');
        return allocations['evses'].length === 1 && allocations['evses'][0].applied.status === 'applied';
      }, 10_000, 'the session is allocated and the station has its limit');
      assert.equal(allocations['evses'][0].vehicle.name, 'Van');
      assertMatches('/api/v1/site/allocations', 'get', 200, allocations);
      assert.throws(() => assertMatches('/api/v1/site/allocations', 'get', 200, { ...allocations, evses: [{ ...allocations['evses'][0], binding: { kind: 'luck' } }] }));
      // The station goes offline with its session running: what it may still draw is listed apart.
      await charger.close({ force: true });
      await eventually(async () => {
        allocations = await read('/site/allocations');
        return allocations['offline'].length === 1;
      }, 10_000, 'the offline station’s session is listed');
      assertMatches('/api/v1/site/allocations', 'get', 200, allocations);
    } finally {
      await charger.close({ force: true });
    }
  });

  it('types the answers of commands, each command’s own operation included, raw OCPP and the firmware library', async () => {
    station.handle('Reset', async () => ({ status: 'Accepted' }));
    station.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: [] }));
    station.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
    const listed = await read('/stations/CP-SCHEMA/commands');
    assertMatches('/api/v1/stations/{id}/commands', 'get', 200, listed);
    assert.ok(listed['items'].some((c: any) => c.name === 'reset'));

    const reset = await send('POST', '/stations/CP-SCHEMA/commands/reset', { type: 'soft' });
    assert.equal(reset['status'], 'accepted');
    assertMatches('/api/v1/stations/{id}/commands/{name}', 'post', 200, reset);
    assertMatches('/api/v1/stations/{id}/commands/reset', 'post', 200, reset);
    const configuration = await send('POST', '/stations/CP-SCHEMA/commands/getConfiguration', {});
    assert.ok(configuration['result'] !== undefined, 'getConfiguration reports what it read');
    assertMatches('/api/v1/stations/{id}/commands/getConfiguration', 'post', 200, configuration);
    assert.throws(() => assertMatches('/api/v1/stations/{id}/commands/reset', 'post', 200, { status: 'accepted' }), 'the response payload is required');

    // Firmware: the library, an update and the station's status.
    const uploaded = await server.api('/firmware?name=fw-2.0.bin', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('FIRMWARE IMAGE') });
    const file = (await uploaded.json()) as Record<string, any>;
    assert.equal(uploaded.status, 201, JSON.stringify(file));
    assertMatches('/api/v1/firmware', 'post', 201, file);
    assertMatches('/api/v1/firmware', 'get', 200, await read('/firmware'));
    assertMatches('/api/v1/firmware/{id}', 'get', 200, await read(`/firmware/${file['id']}`));
    station.handle('UpdateFirmware', async () => ({}));
    assert.equal((await send('POST', '/stations/CP-SCHEMA/commands/updateFirmware', { firmwareId: file['id'] }))['status'], 'accepted');
    await station.call('FirmwareStatusNotification', { status: 'Downloading' });
    const states = await read('/firmware/states');
    assert.deepEqual(states['items'].map((x: any) => [x.stationId, x.status]), [['CP-SCHEMA', 'downloading']]);
    assertMatches('/api/v1/firmware/states', 'get', 200, states);
    const firmwareJobs = await read('/stations/CP-SCHEMA/firmware-jobs');
    assert.equal(firmwareJobs['items'][0].status, 'downloading');
    assertMatches('/api/v1/stations/{id}/firmware-jobs', 'get', 200, firmwareJobs);
    assertMatches('/api/v1/stations/{id}/jobs/{jobId}', 'get', 200, await read(`/stations/CP-SCHEMA/jobs/${firmwareJobs['items'][0].id}`));

    // Diagnostics: the station uploads a file for the job.
    station.handle('GetDiagnostics', async () => ({ fileName: 'diagnostics.zip' }));
    await send('POST', '/stations/CP-SCHEMA/commands/getDiagnostics', {});
    const logJobs = await read('/stations/CP-SCHEMA/diagnostics-jobs');
    const sent = await fetch(`${logJobs['items'][0].location}/diagnostics.zip`, { method: 'PUT', body: 'DIAGNOSTICS' });
    assert.equal(sent.status, 200);
    const receipt = await sent.json();
    assert.equal(receipt.name, 'diagnostics.zip');
    assertMatches('/uploads/{token}/{name}', 'put', 200, receipt);
    await station.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    const diagnostics = await read('/stations/CP-SCHEMA/diagnostics-jobs');
    assert.deepEqual([diagnostics['items'][0].state, diagnostics['items'][0].files.length], ['succeeded', 1]);
    assertMatches('/api/v1/stations/{id}/diagnostics-jobs', 'get', 200, diagnostics);
    assertMatches('/api/v1/stations/{id}/files', 'get', 200, await read('/stations/CP-SCHEMA/files'));
    const configurationKeys = await read('/stations/CP-SCHEMA/configuration');
    assert.deepEqual(configurationKeys['items'].map((k: any) => k.key), ['HeartbeatInterval']);
    assertMatches('/api/v1/stations/{id}/configuration', 'get', 200, configurationKeys);
    station.handle('RemoteStartTransaction', async () => ({ status: 'Accepted' }));
    await send('POST', '/stations/CP-SCHEMA/commands/startCharging', { idToken: 'SCHEMA-1', evseId: 1 });
    const pending = await read('/stations/CP-SCHEMA/pending-starts');
    assert.deepEqual(pending['items'].map((p: any) => p.idToken), ['SCHEMA-1']);
    assertMatches('/api/v1/stations/{id}/pending-starts', 'get', 200, pending);

    // A station-wide limit profile, as the API keeps it with the station's answer.
    station.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    const limited = await send('POST', '/stations/CP-SCHEMA/commands/setChargingProfile', {
      evseId: 0,
      profile: { stackLevel: 1, purpose: 'stationMax', kind: 'absolute', schedule: { unit: 'A', startSchedule: new Date().toISOString(), periods: [{ startSeconds: 0, limit: 24 }] } },
    });
    assert.equal(limited['status'], 'accepted');
    const profiles = await read('/stations/CP-SCHEMA/charging-profiles');
    assert.deepEqual(profiles['items'].map((p: any) => [p.evseId, p.status, p.valid, p.profile.schedule.periods[0].limit]), [[0, 'accepted', true, 24]]);
    assertMatches('/api/v1/stations/{id}/charging-profiles', 'get', 200, profiles);

    // DataTransfer both ways is recorded.
    await station.call('DataTransfer', { vendorId: 'com.voltline', messageId: 'Diag', data: '{"temp":41}' });
    station.handle('DataTransfer', async () => ({ status: 'Accepted' }));
    await send('POST', '/stations/CP-SCHEMA/commands/dataTransfer', { vendorId: 'com.voltline', messageId: 'Ping' });
    const transfers = await read('/stations/CP-SCHEMA/data-transfers');
    assert.deepEqual(transfers['items'].map((t: any) => t.direction).sort(), ['in', 'out']);
    assertMatches('/api/v1/stations/{id}/data-transfers', 'get', 200, transfers);

    const raw = await send('POST', '/stations/CP-SCHEMA/ocpp/ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' });
    assert.deepEqual(raw, { response: { status: 'Accepted' } });
    assertMatches('/api/v1/stations/{id}/ocpp/{action}', 'post', 200, raw);
  });

  it('types health, about, the signed-in user, settings, the message log, approval, station events, alarms and warnings', async () => {
    const health = await read('/health');
    assert.equal(health['storage'].ok, true);
    assertMatches('/api/v1/health', 'get', 200, health);
    assertMatches('/api/v1/about', 'get', 200, await read('/about'));
    const me = await read('/auth/me');
    assert.equal(me['via'], 'token');
    assertMatches('/api/v1/auth/me', 'get', 200, me);
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(server.admin) });
    const session = (await login.json()) as Record<string, unknown>;
    assert.equal(login.status, 200);
    assertMatches('/api/v1/auth/login', 'post', 200, session, false);
    assert.throws(() => assertMatches('/api/v1/auth/login', 'post', 200, { ...session, csrfToken: undefined }, false));
    assertMatches('/api/v1/setup', 'get', 200, await read('/setup'));
    assertMatches('/api/v1/openapi.json', 'get', 200, document, false);
    const imported = await server.api('/id-tokens/import?dryRun=true', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'token,label\nCSV-1,Card\nSCHEMA-1,Renamed\n' });
    const counts = (await imported.json()) as Record<string, unknown>;
    assert.deepEqual([imported.status, counts['created'], counts['updated']], [200, 1, 1]);
    assertMatches('/api/v1/id-tokens/import', 'post', 200, counts);
    assertMatches('/api/v1/settings', 'get', 200, await read('/settings'));
    assertMatches('/api/v1/settings', 'patch', 200, await send('PATCH', '/settings', { remoteStartTimeoutSeconds: 90 }));
    assert.throws(() => assertMatches('/api/v1/settings', 'get', 200, { freeVend: false }));

    // A MeterValues for a session Ampyard does not know leaves a warning.
    await station.call('MeterValues', { connectorId: 1, transactionId: 987654, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '10' }] }] });
    const warnings = await read('/stations/CP-SCHEMA/warnings');
    assert.ok(warnings['items'].some((w: any) => w.kind === 'unknown-transaction'), JSON.stringify(warnings));
    assertMatches('/api/v1/stations/{id}/warnings', 'get', 200, warnings);

    const frames = await read('/stations/CP-SCHEMA/messages?limit=5');
    assert.equal(frames['items'].length, 5);
    assertMatches('/api/v1/stations/{id}/messages', 'get', 200, frames);
    await postJson(`${server.baseUrl}/api/v1/stations`, { id: 'CP-DECIDE' });
    const rejected = await send('POST', '/stations/CP-DECIDE/reject');
    assertMatches('/api/v1/stations/{id}/reject', 'post', 200, rejected);
    const approved = await send('POST', '/stations/CP-DECIDE/approve');
    assertMatches('/api/v1/stations/{id}/approve', 'post', 200, approved);
    assert.notEqual(rejected['registration'], approved['registration']);

    const cs = await strictStation(server, 'CP-EVENTS', '2.0.1');
    try {
      const now = new Date().toISOString();
      await cs.call('NotifyEvent', {
        generatedAt: now,
        seqNo: 0,
        eventData: [
          { eventId: 1, timestamp: now, trigger: 'Delta', actualValue: 'Faulted', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, eventNotificationType: 'HardWiredNotification', techInfo: 'RCD tripped' },
          { eventId: 2, timestamp: now, trigger: 'Periodic', actualValue: '230.1', component: { name: 'ChargingStation' }, variable: { name: 'ACVoltage' }, eventNotificationType: 'PreconfiguredMonitor' },
        ],
      });
      // The device model from a base report, and a display message.
      cs.handle('GetBaseReport', async ({ params }: any) => {
        setTimeout(() => {
          void cs.call('NotifyReport', {
            requestId: params.requestId, generatedAt: new Date().toISOString(), seqNo: 0,
            reportData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }], variableCharacteristics: { dataType: 'integer', unit: 's', supportsMonitoring: false } }],
          });
        }, 10);
        return { status: 'Accepted' };
      });
      await send('POST', '/stations/CP-EVENTS/commands/getBaseReport', { reportBase: 'FullInventory' });
      let model: Record<string, any> = {};
      await eventually(async () => ((model = await read('/stations/CP-EVENTS/device-model'))['items'].length === 1), 5000, 'the report is stored');
      assert.deepEqual([model['items'][0].variable, model['items'][0].value, model['reports'].length], ['HeartbeatInterval', '300', 1]);
      assertMatches('/api/v1/stations/{id}/device-model', 'get', 200, model);
      cs.handle('SetDisplayMessage', async () => ({ status: 'Accepted' }));
      await send('POST', '/stations/CP-EVENTS/commands/setDisplayMessage', { id: 1, priority: 'InFront', message: { format: 'UTF8', content: 'Depot closes at 18:00' } });
      cs.handle('GetDisplayMessages', async () => ({ status: 'Accepted' }));
      await send('POST', '/stations/CP-EVENTS/commands/getDisplayMessages', { ids: [1] });
      const messages = await read('/stations/CP-EVENTS/display-messages');
      assert.deepEqual(messages['items'].map((m: any) => m.message.content), ['Depot closes at 18:00']);
      assert.equal(messages['reports'].length, 1);
      assertMatches('/api/v1/stations/{id}/display-messages', 'get', 200, messages);

      // A monitor set by Ampyard, and a limit set by the site's energy manager.
      cs.handle('SetVariableMonitoring', async () => ({ setMonitoringResult: [{ id: 7, status: 'Accepted', type: 'UpperThreshold', severity: 2, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } }] }));
      await send('POST', '/stations/CP-EVENTS/commands/setVariableMonitoring', { monitors: [{ component: 'EVSE', evseId: 1, variable: 'Power', type: 'UpperThreshold', value: 22000, severity: 2 }] });
      const monitors = await read('/stations/CP-EVENTS/monitors');
      assert.deepEqual(monitors['items'].map((m: any) => [m.id, m.source]), [[7, 'ampyard']]);
      assertMatches('/api/v1/stations/{id}/monitors', 'get', 200, monitors);
      await cs.call('NotifyChargingLimit', { evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false }, chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 20 }] }] });
      const limits = await read('/stations/CP-EVENTS/charging-limits');
      assert.deepEqual(limits['items'].map((l: any) => [l.evseId, l.source, l.schedules[0].periods[0].limit]), [[1, 'EMS', 20]]);
      assertMatches('/api/v1/stations/{id}/charging-limits', 'get', 200, limits);

      // The profiles the station holds, as it reports them when asked.
      const held = { id: 900, stackLevel: 0, chargingProfilePurpose: 'ChargingStationExternalConstraints', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', validTo: '2027-01-01T00:00:00Z', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', startSchedule: '2026-05-01T00:00:00Z', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }] };
      cs.handle('GetChargingProfiles', async ({ params }: any) => {
        setTimeout(() => void cs.call('ReportChargingProfiles', { requestId: params.requestId, chargingLimitSource: 'EMS', evseId: 0, chargingProfile: [held] }), 20);
        return { status: 'Accepted' };
      });
      await send('POST', '/stations/CP-EVENTS/commands/getChargingProfiles', { sources: ['EMS'] });
      let reports: Record<string, any> = {};
      await eventually(async () => (reports = await read('/stations/CP-EVENTS/charging-profile-reports'))['items'][0]?.complete === true, 5000, 'the report is complete');
      assert.deepEqual(reports['items'][0].profiles.map((p: any) => [p.id, p.source, p.recurrency, p.schedules[0].periods[0].limit]), [[900, 'EMS', 'daily', 11000]]);
      assertMatches('/api/v1/stations/{id}/charging-profile-reports', 'get', 200, reports);
      assertMatches('/api/v1/stations/{id}/charging-profile-reports/{requestId}', 'get', 200, await read(`/stations/CP-EVENTS/charging-profile-reports/${reports['items'][0].requestId}`));
      // What an ISO 15118 EV needs and the schedule it chose.
      await cs.call('NotifyEVChargingNeeds', { evseId: 1, maxScheduleTuples: 24, chargingNeeds: { requestedEnergyTransfer: 'DC', departureTime: '2026-06-01T17:30:00Z', dcChargingParameters: { evMaxCurrent: 300, evMaxVoltage: 800, energyAmount: 60000, stateOfCharge: 35 } } });
      const needs = await read('/stations/CP-EVENTS/ev-charging-needs');
      assert.deepEqual(needs['items'].map((n: any) => [n.evseId, n.energyAmountWh, n.stateOfCharge, n.evMaxPowerW]), [[1, 60000, 35, null]]);
      assertMatches('/api/v1/stations/{id}/ev-charging-needs', 'get', 200, needs);
      await cs.call('NotifyEVChargingSchedule', { evseId: 1, timeBase: '2026-06-01T12:00:00Z', chargingSchedule: { id: 1, chargingRateUnit: 'W', duration: 19800, chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 3600, limit: 7400 }] } });
      const evSchedules = await read('/stations/CP-EVENTS/ev-charging-schedules');
      assert.deepEqual(evSchedules['items'].map((e: any) => [e.evseId, e.schedule.periods.map((p: any) => p.limit)]), [[1, [11000, 7400]]]);
      assertMatches('/api/v1/stations/{id}/ev-charging-schedules', 'get', 200, evSchedules);
      // A data subject request, answered in two parts; an ISO 15118 certificate request nobody can answer offline.
      cs.handle('CustomerInformation', async () => ({ status: 'Accepted' }));
      const asked = await send('POST', '/stations/CP-EVENTS/commands/customerInformation', { idToken: { idToken: 'RFID-9', type: 'ISO14443' }, clear: false });
      const requestId = asked['result'].requestId;
      await cs.call('NotifyCustomerInformation', { requestId, seqNo: 0, tbc: true, generatedAt: now, data: 'token RFID-9; ' });
      await cs.call('NotifyCustomerInformation', { requestId, seqNo: 1, generatedAt: now, data: 'sessions: 14' });
      const customer = await read('/stations/CP-EVENTS/customer-information');
      assert.deepEqual([customer['items'][0].complete, customer['items'][0].data, customer['items'][0].parts.length], [true, 'token RFID-9; sessions: 14', 2]);
      assertMatches('/api/v1/stations/{id}/customer-information', 'get', 200, customer);
      await cs.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: Buffer.from('EXI request').toString('base64') });
      const iso = await read('/stations/CP-EVENTS/iso15118-requests');
      assert.deepEqual(iso['items'].map((r: any) => [r.action, r.status]), [['Get15118EVCertificate', 'Failed']]);
      assertMatches('/api/v1/stations/{id}/iso15118-requests', 'get', 200, iso);

      const events = await read('/stations/CP-EVENTS/events');
      assert.equal(events['items'].length, 2);
      assertMatches('/api/v1/stations/{id}/events', 'get', 200, events);
      const alarms = await read('/alarms?active=true');
      assert.equal(alarms['total'], 1);
      assertMatches('/api/v1/alarms', 'get', 200, alarms);
      const cleared = await send('POST', `/alarms/${alarms['items'][0].id}/clear`);
      assert.equal(cleared['clearedBy'], 'operator');
      assertMatches('/api/v1/alarms/{id}/clear', 'post', 200, cleared);
    } finally {
      await cs.close({ force: true });
    }
  });

  it('types the OCPP 2.1-only messages a station sent', async () => {
    const cs = await strictStation(server, 'CP-V21', '2.1');
    try {
      await cs.call('ClosePeriodicEventStream', { id: 1 });
      await cs.call('NotifyDERAlarm', { controlType: 'HVMustTrip', gridEventFault: 'OverVoltage', timestamp: new Date().toISOString() });
      const messages = await read('/stations/CP-V21/ocpp21-messages');
      assert.deepEqual(messages['items'].map((m: any) => [m.action, m.kind]), [['NotifyDERAlarm', 'call'], ['ClosePeriodicEventStream', 'call']]);
      assertMatches('/api/v1/stations/{id}/ocpp21-messages', 'get', 200, messages);
    } finally {
      await cs.close({ force: true });
    }
  });

  it('types station security, issued certificates, the local list and the audit log', async () => {
    // The station sends a CSR; the site CA signs it and delivers it without operator action.
    station.handle('CertificateSigned', async () => ({ status: 'Accepted' }));
    const securityOverview = await read('/security');
    assertMatches('/api/v1/security', 'get', 200, securityOverview);
    const organization = securityOverview['policy'].organization as string;
    const { csr } = await makeStationCsr('CP-SCHEMA', organization);
    assert.equal(((await station.call('SignCertificate', { csr })) as { status: string }).status, 'Accepted');
    let issued: Record<string, any> = {};
    await eventually(async () => {
      issued = await read('/stations/CP-SCHEMA/security/certificates');
      return issued['items'].length === 1 && issued['items'][0].delivery === 'accepted';
    }, 10_000, 'the certificate is issued and delivered');
    assertMatches('/api/v1/stations/{id}/security/certificates', 'get', 200, issued);
    // What the station reports having installed, beside what the site CA issued it.
    station.handle('GetInstalledCertificateIds', async () => ({ status: 'Accepted', certificateHashData: [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a1'.repeat(32), issuerKeyHash: 'b2'.repeat(32), serialNumber: '0f' }] }));
    await send('POST', '/stations/CP-SCHEMA/commands/getInstalledCertificateIds', { certificateType: 'CSMSRootCertificate' });
    const certificates = await read('/stations/CP-SCHEMA/certificates');
    assert.deepEqual(certificates['items'].map((c: any) => [c.certificateType, c.serialNumber, c.expiry]), [['CSMSRootCertificate', '0f', 'unknown']]);
    assert.deepEqual([certificates['checks'].length, certificates['issued'].length], [1, 1]);
    assertMatches('/api/v1/stations/{id}/certificates', 'get', 200, certificates);
    const csrs = await read('/stations/CP-SCHEMA/csrs');
    assert.deepEqual(csrs['items'].map((r: any) => [r.status, r.certificateStatus]), [['installed', 'accepted']]);
    assertMatches('/api/v1/stations/{id}/csrs', 'get', 200, csrs);
    const security = await read('/stations/CP-SCHEMA/security');
    assert.equal(security['certificates'].length, 1);
    assertMatches('/api/v1/stations/{id}/security', 'get', 200, security, false);
    assertMatches('/api/v1/stations/{id}/security', 'put', 200, await send('PUT', '/stations/CP-SCHEMA/security', { securityProfile: null }), false);
    assertMatches('/api/v1/security/stations', 'get', 200, await read('/security/stations'));
    const generated = await send('PUT', '/stations/CP-NEW/security/password', {});
    assert.equal(typeof generated['password'], 'string');
    assertMatches('/api/v1/stations/{id}/security/password', 'put', 200, generated);
    const changed = await send('POST', '/stations/CP-SCHEMA/security/password', {});
    assert.equal(changed['status'], 'accepted');
    assertMatches('/api/v1/stations/{id}/security/password', 'post', 200, changed);
    const revoked = await send('POST', `/stations/CP-SCHEMA/security/certificates/${issued['items'][0].serialNumber}/revoke`, { reason: 'key compromised' });
    assert.equal(typeof revoked['revokedAt'], 'string');
    assertMatches('/api/v1/stations/{id}/security/certificates/{serial}/revoke', 'post', 200, revoked);
    const events = await read('/security-events?limit=50');
    assert.ok(events['total'] > 0, 'issuing and revoking are security events');
    assertMatches('/api/v1/security-events', 'get', 200, events);

    // The local list: a token on it, every station's sync state.
    assertMatches('/api/v1/local-list/tokens/{token}', 'put', 200, await send('PUT', '/local-list/tokens/SCHEMA-1', { included: true }));
    const overview = await read('/local-list');
    assert.ok(overview['items'].length > 0 && overview['entries'] >= 1);
    assertMatches('/api/v1/local-list', 'get', 200, overview);
    assertMatches('/api/v1/local-list/entries', 'get', 200, await read('/local-list/entries'));
    assertMatches('/api/v1/local-list/tokens', 'get', 200, await read('/local-list/tokens'));
    assertMatches('/api/v1/stations/{id}/local-list', 'get', 200, await read('/stations/CP-SCHEMA/local-list'));

    const audit = await read('/audit?limit=20');
    assert.ok(audit['items'].some((e: any) => e.path === '/api/v1/local-list/tokens/SCHEMA-1'));
    assertMatches('/api/v1/audit', 'get', 200, audit);
    assert.throws(() => assertMatches('/api/v1/audit', 'get', 200, { items: [{ ...audit['items'][0], via: 'telepathy' }] }));
  });
});
