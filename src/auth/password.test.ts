import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyNothing, verifyPassword } from './password.ts';
import { newSetupCode, normalizeSetupCode, sameSecret } from './secrets.ts';

describe('password hashing (scrypt)', () => {
  it('stores the parameters and a per-user random salt with the hash, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.notEqual(a, b, 'same password, different salt, different hash');
    assert.ok(!a.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse battery', b), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('verifies with the parameters stored in the hash, and refuses malformed or absurd ones', async () => {
    const light = await hashPassword('pw with small N', { N: 1024, r: 8, p: 1, keyLength: 32 });
    assert.match(light, /^scrypt\$1024\$8\$1\$/);
    assert.equal(await verifyPassword('pw with small N', light), true);
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AAAA$BBBB', light.replace('$1024$', '$4194304$'), light.split('$').slice(0, 5).join('$')]) {
      assert.equal(await verifyPassword('pw with small N', bad), false, bad);
    }
  });

  it('spends comparable time on an unknown user as on a wrong password', async () => {
    const hash = await hashPassword('something');
    const t0 = performance.now();
    await verifyPassword('guess', hash);
    const wrong = performance.now() - t0;
    await verifyNothing('warm-up');
    const t1 = performance.now();
    assert.equal(await verifyNothing('guess'), false);
    const unknown = performance.now() - t1;
    assert.ok(unknown > wrong / 4, `unknown user ${unknown.toFixed(1)} ms vs wrong password ${wrong.toFixed(1)} ms`);
  });
});

describe('secrets', () => {
  it('setup codes are 12 unambiguous characters in groups; typing them in any case and spacing matches', () => {
    const code = newSetupCode();
    assert.match(code, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    assert.notEqual(newSetupCode(), code);
    assert.equal(normalizeSetupCode(` ${code.toLowerCase().replaceAll('-', ' ')} `), code);
    assert.equal(sameSecret(normalizeSetupCode(code.replaceAll('-', '')), code), true);
    assert.equal(sameSecret(normalizeSetupCode(code.slice(0, -1)), code), false);
    assert.equal(sameSecret('', code), false);
  });
});
