/**
 * Reads the extensions of a DER certificate (RFC 5280 section 4.1) without a schema-driven ASN.1
 * parser, which costs about half a millisecond per certificate on the registration hot path. Call it
 * only on certificates node:crypto has already parsed (path validation does), so the DER is sound.
 */
export interface CertificateExtension {
  readonly critical: boolean;
  /** The contents of extnValue (the DER of the extension's own structure). */
  readonly value: Uint8Array;
}

export class CertificateStructureError extends Error {
  override readonly name = 'CertificateStructureError';
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  readonly next: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new CertificateStructureError('truncated element');
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new CertificateStructureError('unsupported length');
    length = 0;
    for (let index = 0; index < bytes; index += 1) length = length * 256 + der[start + index];
    start += bytes;
  }
  const end = start + length;
  if (end > limit) throw new CertificateStructureError('element overruns its container');
  return { tag, start, end, next: end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const item = readTlv(der, offset, parent.end);
    items.push(item);
    offset = item.next;
  }
  return items;
}

/** X.690 section 8.19: dotted-decimal form of an OBJECT IDENTIFIER's contents. */
function oid(der: Uint8Array, item: Tlv): string {
  const arcs: number[] = [];
  let value = 0;
  for (let index = item.start; index < item.end; index += 1) {
    value = value * 128 + (der[index] & 0x7f);
    if (!(der[index] & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

export function certificateExtensions(der: Uint8Array): Map<string, CertificateExtension> {
  const certificate = readTlv(der, 0, der.length);
  const tbs = children(der, certificate)[0];
  if (!tbs || tbs.tag !== 0x30) throw new CertificateStructureError('no tbsCertificate');
  const extensions = new Map<string, CertificateExtension>();
  const wrapper = children(der, tbs).find((item) => item.tag === 0xa3); // [3] EXPLICIT Extensions
  if (!wrapper) return extensions;
  const list = children(der, wrapper)[0];
  for (const extension of list ? children(der, list) : []) {
    const parts = children(der, extension);
    const critical = parts.length === 3 && parts[1].tag === 0x01 && der[parts[1].start] !== 0;
    const value = parts[parts.length - 1];
    if (parts[0]?.tag !== 0x06 || value?.tag !== 0x04) throw new CertificateStructureError('malformed extension');
    extensions.set(oid(der, parts[0]), { critical, value: der.subarray(value.start, value.end) });
  }
  return extensions;
}
