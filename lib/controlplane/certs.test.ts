import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { createCertificateAuthority, serialNumberHex } from './certs.ts';

describe('control-plane certificates', () => {
  it('use serial numbers that are positive and minimally encoded, as Go x509 requires', () => {
    // Before the fix one serial in 32 began with a 0x00 byte before a byte under 0x80, and
    // kube-apiserver refused to start ("x509: malformed serial number").
    for (let i = 0; i < 5000; i++) {
      const serial = serialNumberHex();
      expect(serial).to.match(/^[0-9a-f]{32}$/);
      const first = Number.parseInt(serial.slice(0, 2), 16);
      expect(first, serial).to.be.within(0x01, 0x7f);
    }
  });

  it('writes the serial into the certificate as generated', () => {
    const ca = createCertificateAuthority();
    const cert = new X509Certificate(ca.client('admin', ['system:masters']).cert);
    expect(cert.serialNumber).to.match(/^[4-7][0-9A-F]{31}$/);
    expect(cert.checkIssued(new X509Certificate(ca.cert))).to.equal(true);
  });
});
