import { ConfigError } from '../config-error.js';

export const PLATFORMS = ['android', 'ios', 'windows'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * What a device may present. `packed` is full attestation (x5c chain to a configured root);
 * `packed-self` is self attestation, a proof of possession only; `none` proves nothing (development).
 */
export const ATTESTATION_FORMATS = ['android-key', 'packed', 'packed-self', 'tpm', 'apple-appattest', 'none'] as const;
export type AttestationFormat = (typeof ATTESTATION_FORMATS)[number];

/** Formats whose evidence is a certificate chain, so they need trust roots. */
export const ROOTED_FORMATS = ['android-key', 'packed', 'tpm', 'apple-appattest'] as const;
export type RootedFormat = (typeof ROOTED_FORMATS)[number];

export const FORMATS_BY_PLATFORM: Readonly<Record<Platform, readonly AttestationFormat[]>> = {
  android: ['android-key', 'packed', 'packed-self', 'none'],
  ios: ['apple-appattest', 'none'],
  windows: ['packed', 'packed-self', 'tpm', 'none'],
};

export const ANDROID_SECURITY_LEVELS = ['TrustedEnvironment', 'StrongBox'] as const;
export type AndroidSecurityLevel = (typeof ANDROID_SECURITY_LEVELS)[number];

export interface AndroidPolicy {
  readonly packageNames: readonly string[];
  /** Lowercase hex SHA-256 digests of the app signing certificates. */
  readonly signingCertDigests: readonly string[];
  readonly minSecurityLevel: AndroidSecurityLevel;
  readonly requireVerifiedBoot: boolean;
  readonly requireDeviceLocked: boolean;
  /** YYYYMM, compared with the KeyDescription osPatchLevel. */
  readonly minOsPatchLevel?: number;
}

export interface IosPolicy {
  /** `TEAMID.bundle.id`; App Attest's rpIdHash is SHA-256 of one of them. */
  readonly appIds: readonly string[];
  readonly allowDevelopmentEnvironment: boolean;
}

export interface PlatformPolicy {
  readonly formats: readonly AttestationFormat[];
  readonly android?: AndroidPolicy;
  readonly ios?: IosPolicy;
  /** packed and tpm: accepted authenticator AAGUIDs (lowercase, dashed); empty accepts any. */
  readonly aaguids: readonly string[];
}

/** One app the vendor ships; every install's metadata document is derived from it. */
export interface AppProfile {
  readonly id: string;
  readonly clientName: string;
  readonly clientUri?: string;
  readonly logoUri?: string;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scope?: string;
  readonly applicationType: 'native';
  readonly softwareId?: string;
  readonly softwareVersion?: string;
  readonly platforms: Readonly<Partial<Record<Platform, PlatformPolicy>>>;
}

const SETTING = 'BACKEND_APP_PROFILES';
const PROFILE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 section 3.3
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const APP_ID = /^[A-Z0-9]{10}\.[A-Za-z0-9.-]+$/;
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

type Json = Record<string, unknown>;

class ProfileReader {
  constructor(private readonly where: string) {}

  fail(field: string, expected: string): never {
    throw new ConfigError(`${SETTING} ${this.where}: ${field} must be ${expected}`);
  }

  object(value: unknown, field: string, allowed: readonly string[]): Json {
    if (!value || typeof value !== 'object' || Array.isArray(value)) this.fail(field, 'a JSON object');
    const unknown = Object.keys(value).find((key) => !allowed.includes(key));
    if (unknown !== undefined) this.fail(field, `an object of ${allowed.join(', ')} (unknown member "${unknown}")`);
    return value as Json;
  }

  string(value: unknown, field: string, pattern?: RegExp, max = 200): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > max || (pattern && !pattern.test(value))) {
      this.fail(field, pattern ? `a string matching ${pattern.source}` : `a non-empty string of at most ${max} characters`);
    }
    return value;
  }

  optionalString(value: unknown, field: string, pattern?: RegExp): string | undefined {
    return value === undefined ? undefined : this.string(value, field, pattern);
  }

  list(value: unknown, field: string, check: (item: string) => boolean, expected: string, { nonEmpty = true } = {}): string[] {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0) || !value.every((item) => typeof item === 'string' && check(item))) {
      this.fail(field, `${nonEmpty ? 'a non-empty' : 'a'} list of ${expected}`);
    }
    return [...new Set(value as string[])];
  }

  bool(value: unknown, field: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(field, 'true or false');
    return value;
  }
}

/** Absolute https URL, or http on a loopback IP literal (RFC 8252 section 7.3); never a fragment. */
export function isAcceptableRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname.length > 0;
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

function isHttpsUrl(value: string, allowHttp: boolean): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || (allowHttp && url.protocol === 'http:')) && !url.hash && !url.username;
  } catch {
    return false;
  }
}

/** Accepts `AB:CD:...` (keytool), plain hex or base64url; returns lowercase hex. */
export function normaliseCertDigest(value: string): string | undefined {
  const hex = value.replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return hex.toLowerCase();
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return Buffer.from(value, 'base64url').toString('hex');
  return undefined;
}

function readAndroid(reader: ProfileReader, raw: Json, field: string): AndroidPolicy {
  const digests = reader.list(raw.signing_cert_digests, `${field}.signing_cert_digests`, (d) => normaliseCertDigest(d) !== undefined, 'SHA-256 digests (hex or base64url)');
  const patch = raw.min_os_patch_level;
  if (patch !== undefined && (!Number.isInteger(patch) || (patch as number) < 200001 || (patch as number) > 999912)) {
    reader.fail(`${field}.min_os_patch_level`, 'an integer YYYYMM');
  }
  const level = raw.min_security_level ?? 'TrustedEnvironment';
  if (!ANDROID_SECURITY_LEVELS.includes(level as AndroidSecurityLevel)) {
    reader.fail(`${field}.min_security_level`, `one of ${ANDROID_SECURITY_LEVELS.join(', ')} (a software key is never accepted)`);
  }
  return {
    packageNames: reader.list(raw.package_names, `${field}.package_names`, (p) => PACKAGE_NAME.test(p), 'Android package names'),
    signingCertDigests: digests.map((d) => normaliseCertDigest(d)!),
    minSecurityLevel: level as AndroidSecurityLevel,
    requireVerifiedBoot: reader.bool(raw.require_verified_boot, `${field}.require_verified_boot`, true),
    requireDeviceLocked: reader.bool(raw.require_device_locked, `${field}.require_device_locked`, true),
    minOsPatchLevel: patch as number | undefined,
  };
}

const PLATFORM_MEMBERS = [
  'formats', 'package_names', 'signing_cert_digests', 'min_security_level', 'require_verified_boot',
  'require_device_locked', 'min_os_patch_level', 'app_ids', 'allow_development_environment', 'aaguids',
];

function readPlatform(reader: ProfileReader, platform: Platform, value: unknown): PlatformPolicy {
  const field = `platforms.${platform}`;
  const raw = reader.object(value, field, PLATFORM_MEMBERS);
  const allowed = FORMATS_BY_PLATFORM[platform];
  const formats = reader.list(raw.formats, `${field}.formats`, (f) => allowed.includes(f as AttestationFormat), allowed.join(', ')) as AttestationFormat[];
  const has = (format: AttestationFormat) => formats.includes(format);
  const androidMembers = ['package_names', 'signing_cert_digests', 'min_security_level', 'require_verified_boot', 'require_device_locked', 'min_os_patch_level'];
  const iosMembers = ['app_ids', 'allow_development_environment'];
  for (const [format, members] of [['android-key', androidMembers], ['apple-appattest', iosMembers]] as const) {
    const stray = has(format) ? undefined : members.find((member) => raw[member] !== undefined);
    if (stray !== undefined) reader.fail(`${field}.${stray}`, `left out unless formats include ${format}`);
  }
  const aaguids = raw.aaguids === undefined ? [] : reader.list(raw.aaguids, `${field}.aaguids`, (a) => AAGUID.test(a), 'lowercase dashed AAGUIDs');
  return {
    formats,
    android: has('android-key') ? readAndroid(reader, raw, field) : undefined,
    ios: has('apple-appattest')
      ? {
          appIds: reader.list(raw.app_ids, `${field}.app_ids`, (a) => APP_ID.test(a), 'App IDs (TEAMID.bundle.id)'),
          allowDevelopmentEnvironment: reader.bool(raw.allow_development_environment, `${field}.allow_development_environment`, false),
        }
      : undefined,
    aaguids,
  };
}

const PROFILE_MEMBERS = [
  'id', 'client_name', 'client_uri', 'logo_uri', 'redirect_uris', 'grant_types', 'scope', 'application_type',
  'software_id', 'software_version', 'platforms',
];

function readProfile(value: unknown, index: number, allowHttpUris: boolean): AppProfile {
  const id = (value as Json | null)?.id;
  const reader = new ProfileReader(typeof id === 'string' ? `profile "${id}"` : `entry ${index}`);
  const raw = reader.object(value, 'the profile', PROFILE_MEMBERS);
  const grantTypes = raw.grant_types === undefined ? ['authorization_code', 'refresh_token'] : reader.list(raw.grant_types, 'grant_types', (g) => GRANT_TYPES.includes(g), GRANT_TYPES.join(', '));
  if (!grantTypes.includes('authorization_code')) reader.fail('grant_types', 'a list that includes authorization_code');
  const scope = reader.optionalString(raw.scope, 'scope');
  if (scope !== undefined && !scope.split(' ').every((token) => SCOPE_TOKEN.test(token))) reader.fail('scope', 'space-separated RFC 6749 scope tokens');
  if ((raw.application_type ?? 'native') !== 'native') reader.fail('application_type', 'native');
  const uri = (name: string) => {
    const text = reader.optionalString(raw[name], name);
    if (text !== undefined && !isHttpsUrl(text, allowHttpUris)) reader.fail(name, allowHttpUris ? 'an absolute http(s) URL' : 'an absolute https URL');
    return text;
  };
  const platforms = reader.object(raw.platforms, 'platforms', PLATFORMS);
  if (Object.keys(platforms).length === 0) reader.fail('platforms', 'an object with at least one of android, ios, windows');
  return {
    id: reader.string(raw.id, 'id', PROFILE_ID),
    clientName: reader.string(raw.client_name, 'client_name'),
    clientUri: uri('client_uri'),
    logoUri: uri('logo_uri'),
    redirectUris: reader.list(raw.redirect_uris, 'redirect_uris', isAcceptableRedirectUri, 'https URLs or http://127.0.0.1 / http://[::1] loopback redirects without fragment'),
    grantTypes,
    scope,
    applicationType: 'native',
    softwareId: reader.optionalString(raw.software_id, 'software_id'),
    softwareVersion: reader.optionalString(raw.software_version, 'software_version'),
    platforms: Object.fromEntries(Object.entries(platforms).map(([platform, policy]) => [platform, readPlatform(reader, platform as Platform, policy)])),
  };
}

/** Parses and validates the app profiles (wire form: snake_case JSON). Throws a one-line ConfigError. */
export function readAppProfiles(raw: unknown, allowHttpUris: boolean): AppProfile[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${SETTING} must be a JSON array of app profiles`);
  const profiles = raw.map((entry, index) => readProfile(entry, index, allowHttpUris));
  const ids = new Set<string>();
  for (const profile of profiles) {
    if (ids.has(profile.id)) throw new ConfigError(`${SETTING} names profile "${profile.id}" twice`);
    ids.add(profile.id);
  }
  return profiles;
}
