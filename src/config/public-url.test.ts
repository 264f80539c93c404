import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './cli.ts';
import { ConfigError } from './config.ts';

const publicUrl = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const command = parseCommandLine(argv, env);
  return command.kind === 'serve' ? command.config.publicUrl : undefined;
};

describe('publicUrl setting', () => {
  it('is empty by default and taken from --public-url or AMPYARD_PUBLIC_URL, without a trailing slash', () => {
    assert.equal(publicUrl([]), '');
    assert.equal(publicUrl(['--public-url', 'http://10.0.0.5:8080/']), 'http://10.0.0.5:8080');
    assert.equal(publicUrl([], { AMPYARD_PUBLIC_URL: 'https://depot.example/ampyard/' }), 'https://depot.example/ampyard');
    assert.equal(publicUrl(['--public-url=http://a:1'], { AMPYARD_PUBLIC_URL: 'http://b:2' }), 'http://a:1');
  });

  it('must be an http(s) URL', () => {
    for (const bad of ['depot.local:8080', 'ftp://depot/', 'http://depot/?x=1']) {
      assert.throws(() => parseCommandLine(['--public-url', bad], {}), (e: unknown) => e instanceof ConfigError && /--public-url/.test(e.message), bad);
    }
  });
});
