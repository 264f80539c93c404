import { X509Certificate, createHash, createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../log/logger.ts';
import { hostNames, isIpAddress } from './host-names.ts';
import type { TlsCredentials } from './tls-options.ts';
import { x509 } from './x509.ts';

export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

export interface SitePkiOptions {
  /** <dataDir>/pki: Ampyard's own CA (when none is imported) and the TLS server certificate. */
  dir: string;
  caCertFile: string;
  caKeyFile: string;
  organizationName: string;
  /** Extra names for the server certificate, comma-separated. */
  tlsNames: string;
  log: Logger;
}

export interface IssueParams {
  publicKey: x509.PublicKey | CryptoKey;
  commonName: string;
  usage: 'client' | 'server';
  days: number;
  /** Default: a day ago, for chargers whose clock runs behind. */
  notBefore?: Date;
  notAfter?: Date;
  /** DNS names and IP addresses (server certificates). */
  altNames?: string[];
}

export interface IssuedPem {
  pem: string;
  serialNumber: string;
  subject: string;
  notBefore: string;
  notAfter: string;
}

interface SigningCa {
  certificate: x509.X509Certificate;
  /** The CA certificate and the ones above it (an imported intermediate), as PEM, signing CA first. */
  chain: string[];
  key: CryptoKey;
  algorithm: Algorithm | EcdsaParams;
  keyType: 'ec' | 'rsa';
}

const DAY = 86_400_000;
const CA_YEARS = 20;
const SERVER_DAYS = 825;
const SERVER_RENEW_DAYS = 30;

const writePrivate = (file: string, text: string) => {
  const temp = `${file}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
  chmodSync(file, 0o600);
};

const writePublic = (file: string, text: string) => {
  const temp = `${file}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, file);
};

function signingAlgorithm(key: KeyObject): { algorithm: RsaHashedImportParams | EcKeyImportParams; signing: Algorithm | EcdsaParams; keyType: 'ec' | 'rsa' } {
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { algorithm, signing: algorithm, keyType: 'rsa' };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!named) throw new PkiError(`the CA key's curve ${curve} is not supported (P-256, P-384 or P-521)`);
    const hash = named === 'P-256' ? 'SHA-256' : named === 'P-384' ? 'SHA-384' : 'SHA-512';
    return { algorithm: { name: 'ECDSA', namedCurve: named }, signing: { name: 'ECDSA', hash }, keyType: 'ec' };
  }
  throw new PkiError(`a CA key of type ${key.asymmetricKeyType} is not supported (RSA or EC)`);
}

/** Positive, 16 random bytes, no leading zero byte: unique without a counter to keep. */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Serial numbers as OCPP and the database keep them: lower-case hex without leading zeroes. */
export const normalizeSerial = (serial: string) => serial.toLowerCase().replace(/^0+(?=.)/, '');

function pemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

const sha256Fingerprint = (der: ArrayBuffer) =>
  createHash('sha256')
    .update(new Uint8Array(der))
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

/**
 * The site's PKI: one CA, Ampyard's own (created on first start in <dataDir>/pki, key file mode 0600) or one
 * the operator provides, which signs the TLS server certificate and the stations' certificates.
 */
export class SitePki {
  readonly organization: string;
  readonly imported: boolean;
  private readonly ca: SigningCa;
  private readonly options: SitePkiOptions;
  private server: (TlsCredentials & { names: string[]; notAfter: number }) | undefined;

  private constructor(ca: SigningCa, imported: boolean, options: SitePkiOptions) {
    this.ca = ca;
    this.imported = imported;
    this.options = options;
    this.organization = options.organizationName || ca.certificate.subjectName.getField('O')[0] || 'Ampyard';
  }

  static async open(options: SitePkiOptions): Promise<SitePki> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const imported = Boolean(options.caCertFile || options.caKeyFile);
    const ca = imported ? await importCa(options) : await ownCa(options);
    const pki = new SitePki(ca, imported, options);
    const days = (Date.parse(ca.certificate.notAfter.toISOString()) - Date.now()) / DAY;
    if (days < 0) throw new PkiError(`the site CA certificate expired on ${ca.certificate.notAfter.toISOString()}`);
    if (days < 180) options.log.warn('the site CA certificate expires soon; chargers will stop trusting Ampyard then', { notAfter: ca.certificate.notAfter.toISOString() });
    return pki;
  }

  /** The CA chargers must trust (install as CSMSRootCertificate): the root of the site CA's chain. */
  caPem(): string {
    return this.ca.chain.at(-1)!;
  }

  caCertificate(): X509Certificate {
    return new X509Certificate(this.ca.chain[0]!);
  }

  caSummary(): { subject: string; fingerprintSha256: string; notBefore: string; notAfter: string; imported: boolean; organization: string; keyType: string } {
    const root = new x509.X509Certificate(this.caPem());
    return {
      subject: root.subject,
      fingerprintSha256: sha256Fingerprint(root.rawData),
      notBefore: root.notBefore.toISOString(),
      notAfter: root.notAfter.toISOString(),
      imported: this.imported,
      organization: this.organization,
      keyType: this.ca.keyType,
    };
  }

  /** Issues a certificate signed by the site CA; the subject is always CN=<commonName>, O=<site organization>. */
  async issue(params: IssueParams): Promise<IssuedPem> {
    const notBefore = params.notBefore ?? new Date(Date.now() - DAY);
    const notAfter = params.notAfter ?? new Date(notBefore.getTime() + (params.days + 1) * DAY);
    const publicKey = params.publicKey instanceof x509.PublicKey ? params.publicKey : await x509.PublicKey.create(params.publicKey);
    const rsa = publicKey.algorithm.name.startsWith('RSA');
    const usages = x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([params.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(this.ca.certificate, false),
    ];
    if (params.altNames?.length) {
      extensions.push(new x509.SubjectAlternativeNameExtension(params.altNames.map((n): x509.JsonGeneralName => ({ type: isIpAddress(n) ? 'ip' : 'dns', value: n }))));
    }
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: newSerial(),
      subject: [{ CN: [params.commonName] }, { O: [this.organization] }],
      issuer: this.ca.certificate.subjectName,
      notBefore,
      notAfter,
      publicKey,
      signingKey: this.ca.key,
      signingAlgorithm: this.ca.algorithm,
      extensions,
    });
    return {
      pem: certificate.toString('pem') + '\n',
      serialNumber: normalizeSerial(certificate.serialNumber),
      subject: certificate.subject,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
    };
  }

  /** The chain to hand a station with its certificate: the leaf and, for an imported intermediate CA, the CAs above the root. */
  chainFor(leafPem: string): string {
    return [leafPem, ...(this.ca.chain.length > 1 ? this.ca.chain.slice(0, -1) : [])].join('');
  }

  /**
   * Makes sure the TLS server certificate is for the host's current names and addresses, signed by the
   * current CA and not close to expiry; issues a new one otherwise. Returns whether it changed.
   */
  async ensureServerCertificate(): Promise<boolean> {
    const names = hostNames(this.options.tlsNames);
    const current = this.server ?? this.loadServer();
    if (current && current.names.join(',') === names.join(',') && current.notAfter - Date.now() > SERVER_RENEW_DAYS * DAY) {
      this.server = current;
      return false;
    }
    const keyPair = await (this.ca.keyType === 'rsa'
      ? promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
      : promisify(generateKeyPair)('ec', { namedCurve: 'prime256v1' }));
    const publicKey = new x509.PublicKey(new Uint8Array(keyPair.publicKey.export({ type: 'spki', format: 'der' })));
    const issued = await this.issue({ publicKey, commonName: hostname() || 'ampyard', usage: 'server', days: SERVER_DAYS, altNames: names });
    const key = keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const dir = this.options.dir;
    writePrivate(join(dir, 'server.key'), key);
    writePublic(join(dir, 'server.pem'), issued.pem);
    writePublic(join(dir, 'server.json'), JSON.stringify({ names, issuer: this.ca.certificate.subject }, null, 2) + '\n');
    this.options.log.info(current ? 'issued a new TLS server certificate (host names or addresses changed, or it was expiring)' : 'issued the TLS server certificate', {
      names: names.join(','),
      notAfter: issued.notAfter,
    });
    this.server = { key, cert: this.chainFor(issued.pem), ca: this.ca.chain, names, notAfter: Date.parse(issued.notAfter) };
    return true;
  }

  tlsCredentials(): TlsCredentials {
    if (!this.server) throw new Error('ensureServerCertificate() first');
    const { key, cert, ca } = this.server;
    return { key, cert, ca };
  }

  private loadServer(): (TlsCredentials & { names: string[]; notAfter: number }) | undefined {
    const dir = this.options.dir;
    try {
      const key = readFileSync(join(dir, 'server.key'), 'utf8');
      const pem = readFileSync(join(dir, 'server.pem'), 'utf8');
      const { names } = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { names: string[] };
      const certificate = new X509Certificate(pem);
      if (!certificate.checkIssued(this.caCertificate()) || !certificate.verify(this.caCertificate().publicKey)) return undefined;
      if (!certificate.checkPrivateKey(createPrivateKey(key))) return undefined;
      return { key, cert: this.chainFor(pem), ca: this.ca.chain, names, notAfter: Date.parse(certificate.validTo) };
    } catch {
      return undefined;
    }
  }
}

async function importCa(options: SitePkiOptions): Promise<SigningCa> {
  if (!options.caCertFile || !options.caKeyFile) throw new PkiError('an imported site CA needs both --ca-cert and --ca-key');
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new PkiError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const chain = pemCertificates(read(options.caCertFile));
  if (chain.length === 0) throw new PkiError(`${options.caCertFile} holds no PEM certificate`);
  const keyText = read(options.caKeyFile);
  if (statSync(options.caKeyFile).mode & 0o077) options.log.warn('the site CA key file can be read by other users of this host; chmod 600 it', { file: options.caKeyFile });
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(keyText);
  } catch (error) {
    throw new PkiError(`${options.caKeyFile} is not an unencrypted PEM private key: ${(error as Error).message}`);
  }
  const nodeCert = new X509Certificate(chain[0]!);
  if (!nodeCert.ca) throw new PkiError(`${options.caCertFile}: the first certificate is not a CA certificate (basicConstraints CA:TRUE)`);
  if (!nodeCert.checkPrivateKey(keyObject)) throw new PkiError(`${options.caKeyFile} is not the private key of the certificate in ${options.caCertFile}`);
  const { algorithm, signing, keyType } = signingAlgorithm(keyObject);
  options.log.info('using the imported site CA', { subject: nodeCert.subject.replaceAll('\n', ', '), file: options.caCertFile });
  return { certificate: new x509.X509Certificate(chain[0]!), chain, key: keyObject.toCryptoKey(algorithm, false, ['sign']) as unknown as CryptoKey, algorithm: signing, keyType };
}

async function ownCa(options: SitePkiOptions): Promise<SigningCa> {
  const certFile = join(options.dir, 'ca.pem');
  const keyFile = join(options.dir, 'ca.key');
  if (existsSync(certFile) || existsSync(keyFile)) {
    if (!existsSync(certFile) || !existsSync(keyFile)) throw new PkiError(`${options.dir} has only one of ca.pem and ca.key; restore the other from a backup, or move both away to create a new site CA`);
    if (statSync(keyFile).mode & 0o077) chmodSync(keyFile, 0o600);
    const pem = readFileSync(certFile, 'utf8');
    const keyObject = createPrivateKey(readFileSync(keyFile, 'utf8'));
    const { algorithm, signing, keyType } = signingAlgorithm(keyObject);
    return { certificate: new x509.X509Certificate(pem), chain: [pem], key: keyObject.toCryptoKey(algorithm, false, ['sign']) as unknown as CryptoKey, algorithm: signing, keyType };
  }
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const signing = { name: 'ECDSA', hash: 'SHA-256' };
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const name = `Ampyard Site CA ${randomBytes(3).toString('hex').toUpperCase()}`;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: [{ CN: [name] }, { O: [options.organizationName || 'Ampyard'] }],
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + CA_YEARS * 365 * DAY),
    keys,
    signingAlgorithm: signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  writePrivate(keyFile, x509.PemConverter.encode(pkcs8.buffer, 'PRIVATE KEY') + '\n');
  const pem = certificate.toString('pem') + '\n';
  writePublic(certFile, pem);
  options.log.info('created the site CA; install its certificate on chargers that connect over TLS', { subject: certificate.subject, file: certFile });
  return { certificate, chain: [pem], key: keys.privateKey, algorithm: signing, keyType: 'ec' };
}
