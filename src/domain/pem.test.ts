import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCsr, makeRootCa } from '../testing/pki.ts';
import { checkCsr, readCertificates, selfIssuedHashData } from './pem.ts';

describe('PEM/DER reading for OCPP certificate messages', () => {
  const csr = makeCsr('CP-PEM', 'Depot').pem;

  it('accepts PEM CSRs as stations send them: CRLF, the old NEW label, surrounding whitespace', () => {
    assert.equal(checkCsr(csr).ok, true);
    assert.equal(checkCsr(`\n  ${csr.replaceAll('\n', '\r\n')}  `).ok, true);
    assert.equal(checkCsr(csr.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST')).ok, true);
  });

  it('names what is wrong with an implausible CSR', () => {
    const reason = (pem: string) => {
      const check = checkCsr(pem);
      return check.ok ? 'ok' : check.reason;
    };
    assert.equal(reason(csr.replace('END CERTIFICATE REQUEST', 'END NEW CERTIFICATE REQUEST')), 'BEGIN CERTIFICATE REQUEST does not match END NEW CERTIFICATE REQUEST');
    assert.equal(reason(`${csr}trailing words`), 'text outside the PEM blocks');
    assert.equal(reason(csr + csr), 'more than one PEM block');
    assert.equal(reason(csr.replace(/\n[A-Za-z0-9+/]{8}/, '\nAAAAAAAA')), 'not a PKCS#10 certificate request: trailing data');
    assert.equal(reason(`-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from([0x02, 0x01, 0x00]).toString('base64')}\n-----END CERTIFICATE REQUEST-----`), 'not a PKCS#10 certificate request: CertificationRequest is missing');
    assert.match(reason('-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----'), /^not a PKCS#10 certificate request: /);
    assert.equal(reason(''), 'no PEM BEGIN/END markers');
  });

  it('reads certificate chains and refuses what is not one', () => {
    const root = makeRootCa('PEM Root');
    const chain = root.sign(csr);
    const certificates = readCertificates(chain);
    assert.ok(Array.isArray(certificates) && certificates.length === 2);
    assert.equal(selfIssuedHashData(certificates[0]!), undefined, 'a leaf does not carry its issuer’s key');
    assert.deepEqual(selfIssuedHashData(certificates[1]!), root.hashData);
    assert.equal(selfIssuedHashData(certificates[1]!, 'SHA512')!.issuerNameHash.length, 128);
    assert.equal(readCertificates(chain.replace(/\n[A-Za-z0-9+/]{4}/, '\nAAAA')), 'certificate 1 is not a valid X.509 certificate');
  });
});
