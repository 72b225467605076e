import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EnvReader } from '../env-reader.js';
import { ROOTED_FORMATS, type RootedFormat } from './app-profiles.js';

/** A configured trust anchor: DER bytes, or a set of roots bundled with the software. */
export type TrustRootSource = { readonly kind: 'der'; readonly der: Buffer; readonly label: string } | { readonly kind: 'builtin'; readonly name: 'google' };

export type TrustRootsConfig = Readonly<Record<RootedFormat, readonly TrustRootSource[]>>;

const SETTING = 'BACKEND_ATTESTATION_ROOTS';
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g;

function pemBlocks(text: string): Buffer[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

function readEntry(env: EnvReader, format: RootedFormat, entry: unknown): TrustRootSource[] {
  if (entry === 'google') {
    if (format !== 'android-key') env.fail(SETTING, `"google" only for android-key`, format);
    return [{ kind: 'builtin', name: 'google' }];
  }
  if (typeof entry !== 'string' || entry.length === 0) env.fail(SETTING, 'an object of format to a list of PEM certificates or PEM file paths', entry);
  let text = entry;
  let label = `inline ${format} root`;
  if (!entry.includes('-----BEGIN')) {
    try {
      text = readFileSync(entry, 'utf8');
      label = entry;
    } catch {
      env.fail(SETTING, `a readable PEM file for ${format}`, entry);
    }
  }
  const blocks = pemBlocks(text);
  if (blocks.length === 0) env.fail(SETTING, `PEM certificates for ${format}`, entry);
  return blocks.map((der, index) => {
    try {
      const certificate = new X509Certificate(der);
      if (!certificate.ca) env.fail(SETTING, `CA certificates for ${format} (basicConstraints CA)`, certificate.subject);
    } catch (error) {
      if ((error as Error).name === 'ConfigError') throw error;
      env.fail(SETTING, `valid X.509 certificates for ${format}`, entry);
    }
    return { kind: 'der' as const, der, label: blocks.length > 1 ? `${label} #${index + 1}` : label };
  });
}

/**
 * Trust anchors per rooted format: `{ "android-key": ["google", "/etc/acimd/key-attestation-ca1.pem"],
 * "apple-appattest": ["/etc/acimd/Apple_App_Attestation_Root_CA.pem"] }`. Entries are PEM text or PEM
 * files; "google" stands for the Google Hardware Attestation roots bundled with @simplewebauthn/server.
 * A format named here replaces its default; android-key defaults to ["google"], the others to none.
 */
export function readTrustRoots(env: EnvReader): TrustRootsConfig {
  const raw = env.json<unknown>(SETTING, {});
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) env.fail(SETTING, `a JSON object of ${ROOTED_FORMATS.join(', ')} to lists of roots`, raw);
  const roots: Record<RootedFormat, TrustRootSource[]> = { 'android-key': [{ kind: 'builtin', name: 'google' }], packed: [], tpm: [], 'apple-appattest': [] };
  for (const [format, entries] of Object.entries(raw as Record<string, unknown>)) {
    if (!ROOTED_FORMATS.includes(format as RootedFormat)) env.fail(SETTING, `an object whose keys are ${ROOTED_FORMATS.join(', ')}`, format);
    if (!Array.isArray(entries)) env.fail(SETTING, `a list of roots for ${format}`, entries);
    roots[format as RootedFormat] = entries.flatMap((entry) => readEntry(env, format as RootedFormat, entry));
  }
  return roots;
}
