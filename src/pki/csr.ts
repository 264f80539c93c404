import { checkCsr } from '../domain/pem.ts';
import type { x509 } from './x509.ts';

export type CsrVerdict = { ok: true; subject: string; request: x509.Pkcs10CertificateRequest } | { ok: false; reason: string; subject: string | null };

/** Key types Ampyard signs: what OCPP 2.0.1 (A00.FR.3xx) and the 1.6 security whitepaper allow for station certificates. */
function keyProblem(algorithm: Algorithm & { modulusLength?: number; namedCurve?: string }): string | undefined {
  if (algorithm.name.startsWith('RSA')) return (algorithm.modulusLength ?? 0) >= 2048 ? undefined : `an RSA key of ${algorithm.modulusLength} bits is too short (at least 2048)`;
  if (algorithm.name === 'ECDSA' || algorithm.name === 'ECDH') {
    return algorithm.namedCurve === 'P-256' || algorithm.namedCurve === 'P-384' ? undefined : `the EC curve ${algorithm.namedCurve} is not accepted (P-256 or P-384)`;
  }
  return `a ${algorithm.name} key is not accepted (RSA of at least 2048 bits, or EC P-256/P-384)`;
}

/**
 * Whether a CSR may be signed as the certificate of `stationId`: well-formed, its signature verifies (the
 * station holds the key), CN is the station id, O is the site's organization, and the key is strong enough.
 * `organization` null: a CSR for another PKI (e.g. ISO 15118 V2G), checked for form and signature only.
 */
export async function validateStationCsr(pem: string, expected: { stationId: string; organization: string | null }): Promise<CsrVerdict> {
  const check = checkCsr(pem);
  if (!check.ok) return { ok: false, reason: check.reason, subject: null };
  const { request, subject } = check;
  const reject = (reason: string): CsrVerdict => ({ ok: false, reason, subject });
  let verified: boolean;
  try {
    verified = await request.verify();
  } catch {
    // A signature that is not even well-formed (e.g. a broken ECDSA DER pair) does not verify either.
    verified = false;
  }
  if (!verified) return reject('the CSR signature does not verify');
  if (expected.organization === null) return { ok: true, subject, request };
  const cn = request.subjectName.getField('CN');
  if (cn.length !== 1 || cn[0] !== expected.stationId) return reject(`CN must be the station id '${expected.stationId}', is ${cn.length ? `'${cn.join(', ')}'` : 'missing'}`);
  const org = request.subjectName.getField('O');
  if (org.length !== 1 || org[0]!.trim() !== expected.organization) {
    return reject(`O must be the site's organization '${expected.organization}' (1.6: CpoName, 2.x: SecurityCtrlr.OrganizationName), is ${org.length ? `'${org.join(', ')}'` : 'missing'}`);
  }
  const problem = keyProblem(request.publicKey.algorithm);
  if (problem) return reject(problem);
  return { ok: true, subject, request };
}
