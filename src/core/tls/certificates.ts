/**
 * Minimal X.509 issuance over `@peculiar/x509` and WebCrypto: a root CA, intermediates and
 * TLS server certificates, all EC P-256 with ECDSA-SHA256. Used by the local development CA
 * (`local-ca.ts`) and by tests that need certificate chains of their own.
 */
import { isIP } from 'node:net';
import { x509 } from './x509.js';

const webcrypto = globalThis.crypto;
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
/** Back-dating of `notBefore`, so a peer whose clock runs slightly behind accepts a fresh certificate. */
const BACKDATE_MS = 3_600_000;

/** A certificate together with its key pair, able to issue further certificates when it is a CA. */
export interface IssuedCertificate {
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The private key, PKCS#8 PEM. */
  readonly keyPem: string;
}

/** Options common to every certificate this module issues. */
export interface CertificateOptions {
  /** Subject common name. */
  commonName: string;
  /** Validity in days, counted from `notBefore`. */
  validityDays: number;
  /** Issuance time; defaults to now. `notBefore` is one hour earlier. */
  now?: Date;
}

/** Options of a CA certificate (root or intermediate). */
export interface CaOptions extends CertificateOptions {
  /** BasicConstraints pathLenConstraint; omitted means unlimited. */
  pathLength?: number;
}

/** Options of a TLS server (leaf) certificate. */
export interface ServerCertificateOptions extends CertificateOptions {
  /** DNS names and IP addresses (v4 or v6) for the subjectAltName extension. */
  hosts: readonly string[];
}

const generateKeys = (): Promise<CryptoKeyPair> =>
  webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);

const randomSerial = (): string => {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // RFC 5280 §4.1.2.2: a positive INTEGER
  return Buffer.from(bytes).toString('hex');
};

const validity = (options: CertificateOptions): { notBefore: Date; notAfter: Date } => {
  const notBefore = new Date((options.now ?? new Date()).getTime() - BACKDATE_MS);
  return { notBefore, notAfter: new Date(notBefore.getTime() + options.validityDays * DAY_MS) };
};

/** Exports a private key as PKCS#8 PEM. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return terminated(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

/** Rebuilds an {@link IssuedCertificate} from PEM files written earlier by this module. */
export async function loadIssuedCertificate(certPem: string, keyPem: string): Promise<IssuedCertificate> {
  const cert = new x509.X509Certificate(certPem);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), EC_KEY, true, [
    'sign',
  ]);
  const publicKey = await cert.publicKey.export(EC_KEY, ['verify']);
  return { cert, keys: { privateKey, publicKey }, certPem, keyPem };
}

/** PEM text ending in a newline, so that PEM blocks can simply be concatenated. */
const terminated = (pem: string): string => (pem.endsWith('\n') ? pem : `${pem}\n`);

const finish = async (cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedCertificate> => ({
  cert,
  keys,
  certPem: terminated(cert.toString('pem')),
  keyPem: await privateKeyToPem(keys.privateKey),
});

const caExtensions = async (keys: CryptoKeyPair, options: CaOptions): Promise<x509.Extension[]> => [
  new x509.BasicConstraintsExtension(true, options.pathLength, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
];

/** Creates a self-signed root CA certificate (CA:true, keyCertSign, cRLSign). */
export async function createRootCa(options: CaOptions): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${options.commonName}`,
    keys,
    signingAlgorithm: SIGNING,
    ...validity(options),
    extensions: await caExtensions(keys, options),
  });
  return finish(cert, keys);
}

const issue = async (
  issuer: IssuedCertificate,
  options: CertificateOptions,
  keys: CryptoKeyPair,
  extensions: x509.Extension[],
): Promise<IssuedCertificate> => {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${options.commonName}`,
    issuer: issuer.cert.subjectName,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: SIGNING,
    ...validity(options),
    extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)],
  });
  return finish(cert, keys);
};

/** Issues an intermediate CA certificate signed by `issuer`. */
export async function issueIntermediateCa(issuer: IssuedCertificate, options: CaOptions): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  return issue(issuer, options, keys, await caExtensions(keys, options));
}

/** Issues a TLS server certificate (serverAuth EKU, subjectAltName of DNS names and IPs) signed by `issuer`. */
export async function issueServerCertificate(
  issuer: IssuedCertificate,
  options: ServerCertificateOptions,
): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const names: x509.JsonGeneralNames = options.hosts.map((host) => ({
    type: isIP(host) === 0 ? x509.DNS : x509.IP,
    value: host,
  }));
  return issue(issuer, options, keys, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ]);
}
