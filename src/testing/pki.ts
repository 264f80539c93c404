import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test PKI material made by openssl (independent of Ampyard's own PEM/DER code) when it is installed, otherwise
 * fixed vectors made the same way. `ocspHashData` is openssl's own OCSP CertID of a root: the reference for
 * OCPP's certificateHashData.
 */
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

export interface HashData {
  hashAlgorithm: 'SHA256';
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export interface RootCa {
  pem: string;
  hashData: HashData;
  /** Signs a CSR; returns the chain leaf first, then this root. */
  sign(csr: string): string;
}

function openssl(dir: string, args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function withDir<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ampyard-pki-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A PEM CSR for a new P-256 key, and the subject as Ampyard renders it. */
export function makeCsr(cn: string, org: string): { pem: string; subject: string } {
  if (!hasOpenssl) return { pem: fixed.csr, subject: 'CN=FIXED-CP, O=Ampyard Test' };
  const pem = withDir((dir) => openssl(dir, ['req', '-new', ...ecKey, '-subj', `/CN=${cn}/O=${org}`, '-keyout', 'key.pem']));
  return { pem, subject: `CN=${cn}, O=${org}` };
}

export function makeRootCa(cn: string): RootCa {
  if (!hasOpenssl) return { pem: fixed.root, hashData: fixed.rootHashData, sign: () => fixed.leaf + fixed.root };
  return withDir((dir) => {
    openssl(dir, ['req', '-x509', ...ecKey, '-subj', `/CN=${cn}/O=Ampyard Test`, '-days', '30', '-keyout', 'ca.key', '-out', 'ca.pem']);
    openssl(dir, ['ocsp', '-sha256', '-issuer', 'ca.pem', '-cert', 'ca.pem', '-no_nonce', '-reqout', 'req.der']);
    const text = openssl(dir, ['ocsp', '-reqin', 'req.der', '-req_text']);
    const field = (name: string) => new RegExp(`${name}: ([0-9A-F]+)`).exec(text)![1]!.toLowerCase();
    const pem = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const key = readFileSync(join(dir, 'ca.key'), 'utf8');
    let serial = 0x1000;
    const sign = (csr: string) =>
      withDir((signDir) => {
        writeFileSync(join(signDir, 'ca.pem'), pem);
        writeFileSync(join(signDir, 'ca.key'), key);
        writeFileSync(join(signDir, 'csr.pem'), csr);
        return openssl(signDir, ['x509', '-req', '-in', 'csr.pem', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(++serial), '-days', '30']) + pem;
      });
    const hashData: HashData = {
      hashAlgorithm: 'SHA256',
      issuerNameHash: field('Issuer Name Hash'),
      issuerKeyHash: field('Issuer Key Hash'),
      serialNumber: field('Serial Number').replace(/^0+(?=.)/, ''),
    };
    return { pem, hashData, sign };
  });
}

const fixed = {
  csr: `-----BEGIN CERTIFICATE REQUEST-----
MIHmMIGMAgEAMCoxETAPBgNVBAMMCEZJWEVELUNQMRUwEwYDVQQKDAxBbXB5YXJk
IFRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASZiDWGhVIkiDfgjWtZBTOQ
/+1jRs44qanYEOWuX0iVkKuZmKmyaULctN2FD8r1jDLeXQq30HpyGnAxUrD/t/14
oAAwCgYIKoZIzj0EAwIDSQAwRgIhAJqCDA3LUvdQDjC3KWkDWqSt2iK0n3LYuf7N
XXDz37C6AiEAovk8PSPZeDyq9Z5aVeK7MQ/wWxPN1TmjJ2YuGGygPBg=
-----END CERTIFICATE REQUEST-----
`,
  leaf: `-----BEGIN CERTIFICATE-----
MIIBRzCB7gICEjQwCgYIKoZIzj0EAwIwMzEaMBgGA1UEAwwRQW1weWFyZCBUZXN0
IFJvb3QxFTATBgNVBAoMDEFtcHlhcmQgVGVzdDAgFw0yNjExMjMyMzIxMTlaGA8y
MTI2MTAzMDIzMjExOVowKjERMA8GA1UEAwwIRklYRUQtQ1AxFTATBgNVBAoMDEFt
cHlhcmQgVGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJmINYaFUiSIN+CN
a1kFM5D/7WNGzjipqdgQ5a5fSJWQq5mYqbJpQty03YUPyvWMMt5dCrfQenIacDFS
sP+3/XgwCgYIKoZIzj0EAwIDSAAwRQIhAOBPwIWSkMmIm4hvcfdsEEXWlr6xsIf2
S99wlNaNz4FfAiAiXOy7kIr1sHh6D4eQFgK2reI2jBrSafMBtmtkKGoVnA==
-----END CERTIFICATE-----
`,
  root: `-----BEGIN CERTIFICATE-----
MIIBvTCCAWOgAwIBAgIUJOmQ3Gpndhn7HL/hSJNi5n4XTuYwCgYIKoZIzj0EAwIw
MzEaMBgGA1UEAwwRQW1weWFyZCBUZXN0IFJvb3QxFTATBgNVBAoMDEFtcHlhcmQg
VGVzdDAgFw0yNjExMjMyMzIxMTlaGA8yMTI2MTAzMDIzMjExOVowMzEaMBgGA1UE
AwwRQW1weWFyZCBUZXN0IFJvb3QxFTATBgNVBAoMDEFtcHlhcmQgVGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABJokLJtKhScegsJ8lOFdrL0LbmV66aadnAyM
kVwVX9NsloULkes4noZwYlGUwALmklob/nYbz1qWPg/7qSX5lIKjUzBRMB0GA1Ud
DgQWBBQpagx3fHHP3nltWDpzq8ZRMzHijzAfBgNVHSMEGDAWgBQpagx3fHHP3nlt
WDpzq8ZRMzHijzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQC0
0pBZMeVnQIkeLEp2/skeAuCEp91Op3chH5SScyGIzAIgRwUUcfPo/4hUicoW1NtD
vkqRcAly4lCLDmz4XmFxyDQ=
-----END CERTIFICATE-----
`,
  // openssl ocsp -sha256 -issuer root.pem -cert root.pem -req_text
  rootHashData: {
    hashAlgorithm: 'SHA256',
    issuerNameHash: 'a52845e77d80302d4ab8e90fe7cb94466f88d57a9661753add3e2937daacc503',
    issuerKeyHash: 'f3b7f1ec8c6d8c848c90f572e23933ccd8628abeb55f0c9791b016519896be41',
    serialNumber: '24e990dc6a677619fb1cbfe1489362e67e174ee6',
  } as HashData,
};
