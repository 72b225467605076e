import { X509Certificate } from 'node:crypto';
import type { TrustAnchor } from './trust-anchors.js';

export type CertificatePathFailure = 'malformed' | 'too_long' | 'broken_chain' | 'untrusted' | 'outside_validity';

export class CertificatePathError extends Error {
  override readonly name = 'CertificatePathError';

  constructor(
    readonly reason: CertificatePathFailure,
    detail: string,
  ) {
    super(detail);
  }
}

export interface ValidatedPath {
  /** Leaf first, without the anchor. */
  readonly chain: readonly X509Certificate[];
  readonly anchor: TrustAnchor;
  /**
   * The chain as DER, ending in the configured anchor certificate: appended when the device left the
   * root out (Remote Key Provisioning chains), substituted when the device sent another certificate of
   * the same root key (for example an expired re-issue).
   */
  readonly normalised: readonly Buffer[];
}

const MAX_CHAIN = 6;

function isSelfIssued(certificate: X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}

function issuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

/**
 * RFC 5280 section 6 path validation, simplified to what attestation chains need: every certificate
 * is signed by the next, every issuer is a CA, every certificate is inside its validity period at
 * `now`, and the top of the chain is, or is issued by, a trust anchor (matched by name and key).
 */
export function validateCertificatePath(x5c: readonly Uint8Array[], anchors: readonly TrustAnchor[], now: Date): ValidatedPath {
  if (x5c.length === 0) throw new CertificatePathError('malformed', 'x5c is empty');
  if (x5c.length > MAX_CHAIN) throw new CertificatePathError('too_long', `x5c holds ${x5c.length} certificates`);
  const certificates = x5c.map((der, index) => {
    try {
      return new X509Certificate(der);
    } catch (error) {
      throw new CertificatePathError('malformed', `x5c[${index}] is not a certificate: ${(error as Error).message}`);
    }
  });
  for (let index = 0; index < certificates.length - 1; index += 1) {
    if (!certificates[index + 1].ca || !issuedBy(certificates[index], certificates[index + 1])) {
      throw new CertificatePathError('broken_chain', `x5c[${index}] is not issued by x5c[${index + 1}]`);
    }
  }
  let chain = certificates;
  const top = certificates[certificates.length - 1];
  let trusted: TrustAnchor | undefined;
  if (certificates.length > 1 && isSelfIssued(top)) {
    const topKey = top.publicKey.export({ type: 'spki', format: 'der' });
    trusted = anchors.find((candidate) => candidate.spki.equals(topKey) && candidate.certificate.subject === top.subject);
    chain = certificates.slice(0, -1);
  } else {
    trusted = anchors.find((candidate) => candidate.certificate.ca && issuedBy(top, candidate.certificate));
  }
  if (!trusted) throw new CertificatePathError('untrusted', `the chain does not reach a configured root (top: ${(top.subject ?? '').replace(/\n/g, ', ')})`);
  for (const [index, certificate] of chain.entries()) {
    const from = Date.parse(certificate.validFrom);
    const to = Date.parse(certificate.validTo);
    if (!(from <= now.getTime() && now.getTime() <= to)) {
      throw new CertificatePathError('outside_validity', `x5c[${index}] is valid from ${certificate.validFrom} to ${certificate.validTo}`);
    }
  }
  return { chain, anchor: trusted, normalised: [...chain.map((certificate) => Buffer.from(certificate.raw)), trusted.der] };
}
