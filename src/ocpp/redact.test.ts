import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactSecrets } from './redact.ts';

describe('secrets are kept out of the message log', () => {
  const redacted = (frame: unknown) => JSON.parse(redactSecrets(JSON.stringify(frame)));

  it('blanks 1.6 AuthorizationKey and 2.x BasicAuthPassword wherever they travel', () => {
    assert.deepEqual(redacted([2, '1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'aabb' }]), [2, '1', 'ChangeConfiguration', { key: 'AuthorizationKey', value: '(redacted)' }]);
    assert.deepEqual(redacted([3, '1', { configurationKey: [{ key: 'AuthorizationKey', readonly: false, value: 'aabb' }, { key: 'HeartbeatInterval', readonly: false, value: '60' }] }])[2].configurationKey, [
      { key: 'AuthorizationKey', readonly: false, value: '(redacted)' },
      { key: 'HeartbeatInterval', readonly: false, value: '60' },
    ]);
    const set = redacted([2, '2', 'SetVariables', { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'secret-secret-123' }] }]);
    assert.equal(set[3].setVariableData[0].attributeValue, '(redacted)');
    const report = redacted([2, '3', 'NotifyReport', { reportData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, variableAttribute: [{ value: 'oops' }] }] }]);
    assert.equal(report[3].reportData[0].variableAttribute[0].value, '(redacted)');
    const network = redacted([2, '4', 'SetNetworkProfile', { configurationSlot: 1, connectionData: { basicAuthPassword: 'secret', ocppCsmsUrl: 'wss://x' } }]);
    assert.deepEqual(network[3].connectionData, { basicAuthPassword: '(redacted)', ocppCsmsUrl: 'wss://x' });
  });

  it('leaves every other frame untouched, byte for byte', () => {
    const text = '[2,"9","Heartbeat",{ }]';
    assert.equal(redactSecrets(text), text);
    const other = JSON.stringify([2, '1', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: 'AuthorizationKey' }]);
    assert.equal(JSON.parse(redactSecrets(other))[3].value, 'AuthorizationKey', 'only the value of the secret key');
  });
});
