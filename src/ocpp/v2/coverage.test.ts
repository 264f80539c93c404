import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { v2Handlers } from './handlers.ts';

const require = createRequire(import.meta.url);
const actionsOf = (file: string, request: RegExp) =>
  (require(`ocpp-rpc/lib/schemas/${file}`) as Array<{ $id: string }>).map((s) => request.exec(s.$id)?.[1]).filter((a): a is string => a !== undefined);
const schema201 = actionsOf('ocpp2_0_1.json', /^urn:(\w+)\.req$/);
const schema21 = actionsOf('ocpp2_1.json', /^urn:(\w+)Request$/);

/**
 * The schemas do not say who sends a message; the specification does. Every 2.0.1 message the CSMS sends
 * (DataTransfer goes both ways and counts as a station message here). The rest of the schema is what
 * stations send.
 */
const csmsToStation201 = [
  'CancelReservation', 'CertificateSigned', 'ChangeAvailability', 'ClearCache', 'ClearChargingProfile', 'ClearDisplayMessage',
  'ClearVariableMonitoring', 'CostUpdated', 'CustomerInformation', 'DeleteCertificate', 'GetBaseReport', 'GetChargingProfiles',
  'GetCompositeSchedule', 'GetDisplayMessages', 'GetInstalledCertificateIds', 'GetLocalListVersion', 'GetLog', 'GetMonitoringReport',
  'GetReport', 'GetTransactionStatus', 'GetVariables', 'InstallCertificate', 'PublishFirmware', 'RequestStartTransaction',
  'RequestStopTransaction', 'ReserveNow', 'Reset', 'SendLocalList', 'SetChargingProfile', 'SetDisplayMessage', 'SetMonitoringBase',
  'SetMonitoringLevel', 'SetNetworkProfile', 'SetVariableMonitoring', 'SetVariables', 'TriggerMessage', 'UnlockConnector',
  'UnpublishFirmware', 'UpdateFirmware',
];
/** What OCPP 2.1 adds on the CSMS side. */
const csmsToStation21Only = [
  'AdjustPeriodicEventStream', 'AFRRSignal', 'ChangeTransactionTariff', 'ClearDERControl', 'ClearTariffs', 'GetDERControl',
  'GetPeriodicEventStream', 'GetTariffs', 'NotifyAllowedEnergyTransfer', 'NotifyWebPaymentStarted', 'RequestBatterySwap',
  'SetDefaultTariff', 'SetDERControl', 'UpdateDynamicSchedule', 'UsePriorityCharging',
];

/**
 * Station messages knowingly left without a handler, with the reason. Empty now; an entry here must really be
 * missing (the test says so when it is implemented), and any other missing handler fails the test.
 */
const knownPending: Record<string, string> = {};

const stationToCsms201 = schema201.filter((a) => !csmsToStation201.includes(a));
const stationToCsms21 = schema21.filter((a) => !csmsToStation201.includes(a) && !csmsToStation21Only.includes(a));

describe('OCPP 2.x coverage: every message a station may send has a handler', () => {
  it('the lists of CSMS messages name real schema actions (so the station side is what is left)', () => {
    assert.deepEqual(csmsToStation201.filter((a) => !schema201.includes(a)), []);
    assert.deepEqual(csmsToStation21Only.filter((a) => !schema21.includes(a) || schema201.includes(a)), []);
    assert.equal(schema201.length, 64);
    assert.equal(stationToCsms201.length, 25);
  });

  it('OCPP 2.0.1: every station → CSMS action of the schema is in v2Handlers (or known pending, with its reason)', () => {
    const missing = stationToCsms201.filter((a) => !(a in v2Handlers) && !(a in knownPending));
    assert.deepEqual(missing, [], `no handler for: ${missing.join(', ')}`);
    const done = Object.keys(knownPending).filter((a) => a in v2Handlers);
    assert.deepEqual(done, [], `handled now, remove from knownPending: ${done.join(', ')}`);
  });

  it('OCPP 2.1: the same, including the messages only 2.1 has', () => {
    const missing = stationToCsms21.filter((a) => !(a in v2Handlers) && !(a in knownPending));
    assert.deepEqual(missing, [], `no handler for: ${missing.join(', ')}`);
  });

  it('no handler answers a message only the CSMS sends', () => {
    const wrongWay = Object.keys(v2Handlers).filter((a) => csmsToStation201.includes(a) || csmsToStation21Only.includes(a));
    assert.deepEqual(wrongWay, []);
  });

  it('every 2.0.1 CSMS → station action is sent by some command (src/commands)', () => {
    const dir = join(fileURLToPath(import.meta.url), '..', '..', '..', 'commands');
    const sources = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const unsent = [...csmsToStation201, 'DataTransfer'].filter((a) => !sources.includes(`'${a}'`));
    assert.deepEqual(unsent, []);
  });
});
