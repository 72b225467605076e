import { X509Certificate } from 'node:crypto';
import { ROOTED_FORMATS, type RootedFormat } from '../../../config/sections/app-profiles.js';
import type { TrustRootsConfig } from '../../../config/sections/attestation-roots.js';
import type { DevelopmentCa } from './development-ca.js';
import { googleHardwareAttestationRoots } from './google-roots.js';

/** A trust anchor (RFC 5280 section 6.1.1 d): a name and a public key, kept with its certificate. */
export interface TrustAnchor {
  readonly certificate: X509Certificate;
  readonly der: Buffer;
  /** DER SubjectPublicKeyInfo, compared to recognise a chain that ends in another copy of this root. */
  readonly spki: Buffer;
  readonly label: string;
}

function anchor(der: Buffer, label: string): TrustAnchor {
  const certificate = new X509Certificate(der);
  return { certificate, der, spki: certificate.publicKey.export({ type: 'spki', format: 'der' }), label };
}

/** Parsed once at start-up: the anchors each rooted format's chains must reach. */
export class TrustAnchors {
  constructor(private readonly byFormat: Readonly<Record<RootedFormat, readonly TrustAnchor[]>>) {}

  for(format: RootedFormat): readonly TrustAnchor[] {
    return this.byFormat[format];
  }

  static from(config: TrustRootsConfig, developmentCa?: DevelopmentCa): TrustAnchors {
    const byFormat = {} as Record<RootedFormat, TrustAnchor[]>;
    for (const format of ROOTED_FORMATS) {
      byFormat[format] = config[format].flatMap((source) =>
        source.kind === 'builtin'
          ? googleHardwareAttestationRoots().map((der, index) => anchor(der, `Google Hardware Attestation Root ${index + 1}`))
          : [anchor(source.der, source.label)],
      );
      // Development mode only (the switch is refused in production): the simulator's CA.
      if (developmentCa) byFormat[format].push(anchor(Buffer.from(developmentCa.root.rawData), 'development attestation CA'));
    }
    return new TrustAnchors(byFormat);
  }
}
