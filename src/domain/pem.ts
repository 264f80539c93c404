import { X509Certificate, createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromBER, Sequence } from 'asn1js';
import { x509 } from '../pki/x509.ts';

export type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';

/** How OCPP names a certificate: the OCSP CertID fields (RFC 6960) as hex strings. */
export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export type CsrCheck = { ok: true; subject: string; request: x509.Pkcs10CertificateRequest } | { ok: false; reason: string };

function pemBlocks(pem: string, label: RegExp): { label: string; der: Buffer }[] | string {
  const text = pem.trim();
  const blocks: { label: string; der: Buffer }[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;
  let rest = text;
  for (const match of text.matchAll(pattern)) {
    const [whole, begin, body, end] = match as unknown as [string, string, string, string];
    if (begin !== end) return `BEGIN ${begin} does not match END ${end}`;
    if (!label.test(begin)) return `unexpected PEM block ${begin}`;
    const base64 = body.replace(/\s+/g, '');
    if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return `the ${begin} body is not base64`;
    blocks.push({ label: begin, der: Buffer.from(base64, 'base64') });
    rest = rest.replace(whole, '');
  }
  if (blocks.length === 0) return 'no PEM BEGIN/END markers';
  if (rest.trim() !== '') return 'text outside the PEM blocks';
  return blocks;
}

/**
 * Whether a CSR is a well-formed PEM-encoded PKCS#10 request (RFC 2986), parsed by @peculiar/x509.
 * It does not verify the signature or judge the subject and key; src/pki/csr.ts does that before signing.
 */
export function checkCsr(pem: string): CsrCheck {
  const blocks = pemBlocks(pem, /^(NEW )?CERTIFICATE REQUEST$/);
  if (typeof blocks === 'string') return { ok: false, reason: blocks };
  if (blocks.length !== 1) return { ok: false, reason: 'more than one PEM block' };
  const der = blocks[0]!.der;
  const fail = (why: string): CsrCheck => ({ ok: false, reason: `not a PKCS#10 certificate request: ${why}` });
  // The library tolerates bytes after the request; a station that sends them has a broken encoder.
  const outer = fromBER(new Uint8Array(der));
  if (outer.offset === -1) return fail(outer.result.error || 'not DER');
  if (outer.offset !== der.length) return fail('trailing data');
  if (!(outer.result instanceof Sequence)) return fail('CertificationRequest is missing');
  try {
    const request = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
    return { ok: true, subject: request.subject, request };
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** Parses every certificate of a PEM bundle; returns why not when it is not one. */
export function readCertificates(pem: string): X509Certificate[] | string {
  const blocks = pemBlocks(pem, /^CERTIFICATE$/);
  if (typeof blocks === 'string') return blocks;
  const certificates: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block.der));
    } catch {
      return `certificate ${i + 1} is not a valid X.509 certificate`;
    }
  }
  return certificates;
}

const hex = (data: ArrayBuffer | Buffer, algorithm: HashAlgorithm) => createHash(algorithm.toLowerCase()).update(new Uint8Array(data)).digest('hex');

/**
 * OCPP's hash data of a certificate, given the certificate of its issuer (the same one for a self-issued root).
 * Serial: lower-case hex without leading zeroes, as OCPP 2.x describes it.
 */
export function hashDataOf(certificate: X509Certificate, issuer: X509Certificate, hashAlgorithm: HashAlgorithm = 'SHA256'): CertificateHashData {
  const tbs = AsnConvert.parse(certificate.raw, Certificate).tbsCertificate;
  const issuerKey = AsnConvert.parse(issuer.raw, Certificate).tbsCertificate.subjectPublicKeyInfo;
  return {
    hashAlgorithm,
    issuerNameHash: hex(AsnConvert.serialize(tbs.issuer), hashAlgorithm),
    // RFC 6960: the hash of the BIT STRING's value, without the unused-bits octet.
    issuerKeyHash: hex(issuerKey.subjectPublicKey, hashAlgorithm),
    serialNumber: Buffer.from(tbs.serialNumber).toString('hex').replace(/^0+(?=.)/, ''),
  };
}

/** OCPP's hash data of a self-issued (root) certificate; undefined for any other, whose issuer key is not in it. */
export function selfIssuedHashData(certificate: X509Certificate, hashAlgorithm: HashAlgorithm = 'SHA256'): CertificateHashData | undefined {
  try {
    const tbs = AsnConvert.parse(certificate.raw, Certificate).tbsCertificate;
    if (!Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(Buffer.from(AsnConvert.serialize(tbs.subject)))) return undefined;
    return hashDataOf(certificate, certificate, hashAlgorithm);
  } catch {
    return undefined;
  }
}
