/** A certificate authority of the tests' own, to sign client certificates a control plane does not trust. */
export { createCertificateAuthority } from '../certs.ts';
