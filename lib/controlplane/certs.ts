/**
 * The control plane's certificates: one CA, the API server's serving certificate, client
 * certificates (the admin is in system:masters) and the service-account signing key. Keys come
 * from node:crypto (node-forge's JavaScript key generation takes seconds per key); node-forge
 * builds and signs the X.509 certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  /** PKCS#8 PEM */
  readonly key: string;
  /** SPKI PEM */
  readonly publicKey: string;
}

export interface Issued {
  /** PEM certificate */
  readonly cert: string;
  /** PEM private key */
  readonly key: string;
}

export interface CertificateAuthority extends Issued {
  /** Signs a certificate for a client: CN is the user name, O entries its groups. */
  client(user: string, groups?: readonly string[]): Issued;
  /** Signs a serving certificate for these DNS names and IP addresses. */
  server(commonName: string, dnsNames: readonly string[], ips: readonly string[]): Issued;
}

export function rsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { key: privateKey, publicKey };
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * A random 16-byte serial number as node-forge takes it (hex of the DER INTEGER's bytes, written
 * as given). Its first byte is 0x40-0x7f: positive, and minimally encoded. A leading 0x00 before a
 * byte under 0x80 is a non-minimal INTEGER, which Go's x509 refuses ("malformed serial number"):
 * that failed one kube-apiserver start in about thirty.
 */
export function serialNumberHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function certificate(
  subject: forge.pki.CertificateField[],
  publicKeyPem: string,
  issuer: { subject: forge.pki.CertificateField[]; key: string },
  extensions: object[],
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialNumberHex();
  // Backdated an hour: a clock a little behind on another process must not find it not yet valid.
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + YEAR_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer.subject);
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(issuer.key), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A fresh CA, valid for a year, able to sign the control plane's server and client certificates. */
export function createCertificateAuthority(name = 'kubexpect-controlplane-ca'): CertificateAuthority {
  const pair = rsaKeyPair();
  const subject = [{ name: 'commonName', value: name }];
  const cert = certificate(subject, pair.publicKey, { subject, key: pair.key }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const issuer = { subject, key: pair.key };
  return {
    cert,
    key: pair.key,
    client(user, groups = []) {
      const leaf = rsaKeyPair();
      const leafSubject: forge.pki.CertificateField[] = [
        ...groups.map((g) => ({ name: 'organizationName', value: g })),
        { name: 'commonName', value: user },
      ];
      return {
        key: leaf.key,
        cert: certificate(leafSubject, leaf.publicKey, issuer, [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
        ]),
      };
    },
    server(commonName, dnsNames, ips) {
      const leaf = rsaKeyPair();
      return {
        key: leaf.key,
        cert: certificate([{ name: 'commonName', value: commonName }], leaf.publicKey, issuer, [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              ...dnsNames.map((value) => ({ type: 2, value })),
              ...ips.map((ip) => ({ type: 7, ip })),
            ],
          },
        ]),
      };
    },
  };
}
