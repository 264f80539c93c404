import type { X509Certificate } from 'node:crypto';
import type { CertificateHashData, CertificateInventory, InstalledCertificate } from './certificate.ts';
import { readCertificates, selfIssuedHashData } from './pem.ts';
import { validityOf, type CertificateValidity } from './station-security-state.ts';

export type InventoryItemWithExpiry = InstalledCertificate & {
  notAfter: string | null;
  /** `unknown`: the station reported only hash data of a certificate Ampyard has never seen. */
  expiry: CertificateValidity | 'unknown';
};

const key = (h: CertificateHashData) => [h.hashAlgorithm, h.issuerNameHash, h.issuerKeyHash, h.serialNumber].join('|').toLowerCase();

/** Certificates whose end Ampyard can tell from hash data alone: roots it knows the PEM of (e.g. the site CA). */
export function knownRoots(pems: string[]): Map<string, X509Certificate> {
  const known = new Map<string, X509Certificate>();
  for (const pem of pems) {
    const certificates = readCertificates(pem);
    if (typeof certificates === 'string') continue;
    for (const certificate of certificates) {
      for (const algorithm of ['SHA256', 'SHA384', 'SHA512'] as const) {
        const hash = selfIssuedHashData(certificate, algorithm);
        if (hash) known.set(key(hash), certificate);
      }
    }
  }
  return known;
}

/** The inventory with each certificate's end and whether it is expiring (within `warnDays`) or expired. */
export function inventoryWithExpiry(inventory: CertificateInventory, known: Map<string, X509Certificate>, warnDays: number, now = Date.now()) {
  const items: InventoryItemWithExpiry[] = inventory.items.map((item) => {
    const parsed = item.certificate ? readCertificates(item.certificate) : undefined;
    const certificate = parsed && typeof parsed !== 'string' ? parsed[0] : known.get(key(item));
    if (!certificate) return { ...item, notAfter: null, expiry: 'unknown' };
    const notAfter = new Date(certificate.validTo).toISOString();
    return { ...item, notAfter, expiry: validityOf({ notBefore: new Date(certificate.validFrom).toISOString(), notAfter }, warnDays, now) };
  });
  const warnings = items
    .filter((i) => i.expiry === 'expiring' || i.expiry === 'expired')
    .map((i) => ({ certificateType: i.certificateType, serialNumber: i.serialNumber, notAfter: i.notAfter, expiry: i.expiry }));
  return { ...inventory, items, warnings };
}
