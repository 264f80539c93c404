import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorizationKeyHex, canonicalPassword, newStationPassword, passwordProblem } from './station-password.ts';

describe('station passwords', () => {
  it('generates 20 unambiguous characters, different every time', () => {
    const passwords = new Set(Array.from({ length: 200 }, newStationPassword));
    assert.equal(passwords.size, 200);
    for (const p of passwords) assert.match(p, /^[A-HJ-NP-Za-km-z2-9]{20}$/);
    assert.equal(passwordProblem([...passwords][0]!, '1.6'), undefined);
    assert.equal(passwordProblem([...passwords][0]!, '2.0.1'), undefined);
  });

  it('treats an OCPP 1.6 key, its hex form and its decoded bytes as one credential', () => {
    const password = 'Abcdefghijkmnopqrs23';
    const hex = authorizationKeyHex(password);
    assert.equal(hex, Buffer.from(password).toString('hex'));
    assert.equal(canonicalPassword(hex), password);
    assert.equal(canonicalPassword(hex.toUpperCase()), password);
    assert.equal(canonicalPassword(Buffer.from(password)), password);
    const binary = Buffer.from('00ff10e1c2a3b4c5d6e7f80912233445', 'hex');
    assert.equal(canonicalPassword(binary), canonicalPassword(binary.toString('hex')));
    assert.notEqual(canonicalPassword(binary), canonicalPassword('00ff10e1c2a3b4c5'), 'hex shorter than 16 bytes is just text');
    assert.equal(authorizationKeyHex(binary.toString('hex').toUpperCase()), binary.toString('hex'), 'a password that is a hex key is sent as that key');
  });

  it('checks what installers choose, per OCPP version', () => {
    assert.equal(passwordProblem('short', '2.0.1'), 'must be 16-40 characters');
    assert.equal(passwordProblem('with spaces in it ok?', null), 'must be printable ASCII without spaces');
    assert.equal(passwordProblem('x'.repeat(30), '2.0.1'), undefined);
    assert.match(passwordProblem('x'.repeat(30), '1.6')!, /16-20 characters/);
    assert.equal(passwordProblem('ab'.repeat(20), '1.6'), undefined, '40 hex digits: a 20-byte key');
  });
});
