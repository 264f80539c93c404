import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../log/logger.ts';
import { hasOpenssl } from '../testing/pki.ts';
import { connectsOk } from '../testing/security.ts';
import { postJson } from '../testing/raw-client.ts';
import { startTestServer } from '../testing/server.ts';
import { hostNames } from './host-names.ts';
import { SitePki, type SitePkiOptions } from './site-pki.ts';
import { x509 } from './x509.ts';

const log = createLogger('silent');
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ampyard-pki-test-'));
  dirs.push(dir);
  return dir;
};
const options = (dir: string, extra: Partial<SitePkiOptions> = {}): SitePkiOptions => ({ dir, caCertFile: '', caKeyFile: '', organizationName: '', tlsNames: '', log, ...extra });

describe('site PKI', () => {
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('creates its CA once and keeps it across restarts; the server certificate too until the host names change', async () => {
    const dir = join(tempDir(), 'pki');
    const first = await SitePki.open(options(dir, { organizationName: 'Depot Nord GmbH' }));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(first.organization, 'Depot Nord GmbH');
    assert.equal(await first.ensureServerCertificate(), true);
    const serverPem = readFileSync(join(dir, 'server.pem'), 'utf8');
    const again = await SitePki.open(options(dir, { organizationName: 'Depot Nord GmbH' }));
    assert.equal(again.caPem(), first.caPem());
    assert.equal(await again.ensureServerCertificate(), false, 'the stored one still fits');
    assert.equal(readFileSync(join(dir, 'server.pem'), 'utf8'), serverPem);
    const renamed = await SitePki.open(options(dir, { tlsNames: 'charging.depot.example, 10.9.8.7' }));
    assert.equal(await renamed.ensureServerCertificate(), true, 'new names, new certificate');
    const server = new X509Certificate(readFileSync(join(dir, 'server.pem')));
    assert.ok(server.checkHost('charging.depot.example') && server.checkIP('10.9.8.7'));
    assert.equal(server.checkIssued(new X509Certificate(first.caPem())), true);
    assert.match(server.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/, 'serverAuth');
  });

  it('lists the host’s names: host name, .local, localhost, interface addresses without IPv6 link-local, extras', () => {
    const names = hostNames(' Extra.Example ,192.0.2.1', 'Depot-Box', {
      lo: [{ address: '127.0.0.1', family: 'IPv4' } as never, { address: '::1', family: 'IPv6' } as never],
      eth0: [{ address: '192.168.1.20', family: 'IPv4' } as never, { address: 'fe80::1', family: 'IPv6' } as never],
    });
    assert.deepEqual(names, ['127.0.0.1', '192.0.2.1', '192.168.1.20', '::1', 'depot-box', 'depot-box.local', 'extra.example', 'localhost']);
  });

  it('issues station certificates: CN = station id, O = the site, client authentication, its own serial', async () => {
    const pki = await SitePki.open(options(tempDir()));
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const a = await pki.issue({ publicKey: keys.publicKey, commonName: 'CP-1', usage: 'client', days: 365 });
    const b = await pki.issue({ publicKey: keys.publicKey, commonName: 'CP-1', usage: 'client', days: 365 });
    assert.notEqual(a.serialNumber, b.serialNumber);
    const cert = new x509.X509Certificate(a.pem);
    assert.equal(cert.subject, 'CN=CP-1, O=Ampyard');
    assert.deepEqual(Array.from(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages, String), ['1.3.6.1.5.5.7.3.2'], 'clientAuth');
    assert.equal(cert.getExtension(x509.BasicConstraintsExtension)!.ca, false);
    const days = (cert.notAfter.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 364 && days < 366, `${days}`);
    assert.equal(pki.chainFor(a.pem), a.pem, 'a root CA: the leaf alone');
  });

  it('refuses half a CA in its folder rather than silently making a new one', async () => {
    const dir = tempDir();
    await SitePki.open(options(dir));
    rmSync(join(dir, 'ca.key'));
    await assert.rejects(SitePki.open(options(dir)), /has only one of ca.pem and ca.key/);
  });

  it('imports an operator CA (RSA, made with openssl): signs with it, checks key and CA flag', { skip: !hasOpenssl }, async () => {
    const dir = tempDir();
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Operator Root/O=Fleet Ops', '-days', '3650', '-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Not a CA', '-days', '30', '-keyout', 'leaf.key', '-out', 'leaf.pem', '-addext', 'basicConstraints=critical,CA:FALSE');
    const caCertFile = join(dir, 'ca.pem');
    const caKeyFile = join(dir, 'ca.key');
    const pki = await SitePki.open(options(join(dir, 'pki'), { caCertFile, caKeyFile }));
    assert.equal(pki.imported, true);
    assert.equal(pki.organization, 'Fleet Ops', 'from the CA when not configured');
    assert.equal(pki.caPem(), readFileSync(caCertFile, 'utf8'));
    await pki.ensureServerCertificate();
    const server = new X509Certificate(pki.tlsCredentials().cert);
    assert.equal(server.publicKey.asymmetricKeyType, 'rsa', 'the server key follows the CA’s kind');
    assert.ok(server.verify(new X509Certificate(pki.caPem()).publicKey));

    await assert.rejects(SitePki.open(options(join(dir, 'pki2'), { caCertFile, caKeyFile: join(dir, 'leaf.key') })), /is not the private key of the certificate/);
    await assert.rejects(SitePki.open(options(join(dir, 'pki3'), { caCertFile: join(dir, 'leaf.pem'), caKeyFile: join(dir, 'leaf.key') })), /not a CA certificate/);
    await assert.rejects(SitePki.open(options(join(dir, 'pki4'), { caCertFile })), /needs both --ca-cert and --ca-key/);
    writeFileSync(join(dir, 'garbage.pem'), 'nope');
    await assert.rejects(SitePki.open(options(join(dir, 'pki5'), { caCertFile: join(dir, 'garbage.pem'), caKeyFile })), /holds no PEM certificate/);

    // The appliance on the imported CA: chargers trusting the operator's root connect over TLS.
    const appliance = await startTestServer({ allowProfile0: false, tlsPort: -1, caCertFile, caKeyFile });
    try {
      const { body } = await postJson(`${appliance.baseUrl}/api/v1/stations`, { id: 'IMPORTED-1', securityProfile: 2 });
      const ok = await connectsOk(`wss://127.0.0.1:${appliance.appliance.tlsPort}/ocpp/IMPORTED-1`, { password: body.credentials.password, ca: readFileSync(caCertFile, 'utf8') });
      assert.equal(ok, true);
    } finally {
      await appliance.stop();
    }
  });
});
