import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from '../../../test/fixtures/attestation/test-pki.js';
import { loadConfig } from '../app-config.js';
import { ConfigError } from '../config-error.js';
import { DEMO_APP_PROFILES, DEMO_SIGNING_CERT_DIGEST } from './demo-app-profile.js';

const PROFILE = {
  id: 'notes',
  client_name: 'Notes',
  redirect_uris: ['https://notes.example.com/callback', 'http://127.0.0.1/callback'],
  platforms: {
    android: { formats: ['android-key'], package_names: ['com.example.notes'], signing_cert_digests: [DEMO_SIGNING_CERT_DIGEST] },
  },
};
const PRODUCTION = { MODE: 'production', ROLES: 'client-backend', BACKEND_PUBLIC_URL: 'https://apps.example.com' };

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a configuration error');
}

const withProfile = (change: (profile: Record<string, unknown>) => void, env: Record<string, string> = {}) => {
  const profile = structuredClone(PROFILE) as Record<string, unknown>;
  change(profile);
  return configError({ ...env, BACKEND_APP_PROFILES: JSON.stringify([profile]) });
};

describe('client backend configuration', () => {
  it('ships the demo "ticket desk" profile in development, with short document caching and 5-minute challenges', () => {
    const config = loadConfig({}).clientBackend;
    expect(config.profiles.map((profile) => profile.id)).toEqual(['ticket-desk']);
    expect(config.profiles[0]).toMatchObject({
      clientName: 'Ticket Desk',
      redirectUris: ['http://127.0.0.1/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'mcp:tickets:read mcp:tickets:write',
      applicationType: 'native',
    });
    expect(Object.keys(config.profiles[0].platforms).sort()).toEqual(['android', 'ios', 'windows']);
    expect(config.profiles[0].platforms.android!.android).toMatchObject({ minSecurityLevel: 'TrustedEnvironment', requireVerifiedBoot: true, requireDeviceLocked: true });
    expect(config.documentMaxAgeSeconds).toBe(60);
    expect(config.challengeTtlSeconds).toBe(300);
    expect(config.devAttestationCa).toBe(true);
    expect(config.allowNoneFormat).toBe(true);
    expect(config.trustRoots['android-key']).toEqual([{ kind: 'builtin', name: 'google' }]);
  });

  it('reads profiles from JSON, normalising keytool-style signing digests', () => {
    const digest = DEMO_SIGNING_CERT_DIGEST.toUpperCase().match(/../g)!.join(':');
    const profile = { ...PROFILE, platforms: { android: { ...PROFILE.platforms.android, signing_cert_digests: [digest] } } };
    const config = loadConfig({ BACKEND_APP_PROFILES: JSON.stringify([profile]) }).clientBackend;
    expect(config.profiles[0].platforms.android!.android!.signingCertDigests).toEqual([DEMO_SIGNING_CERT_DIGEST]);
  });

  it.each<[string, (profile: Record<string, unknown>) => void, RegExp]>([
    ['an unknown member (a typo)', (p) => (p.redirect_uri = []), /profile "notes": the profile must be an object of .* \(unknown member "redirect_uri"\)/],
    ['a bad id', (p) => (p.id = 'Notes App'), /profile "Notes App": id must be a string matching/],
    ['no redirect URIs', (p) => (p.redirect_uris = []), /redirect_uris must be a non-empty list/],
    ['an http redirect URI that is not loopback', (p) => (p.redirect_uris = ['http://notes.example.com/cb']), /redirect_uris must be/],
    ['a redirect URI with a fragment', (p) => (p.redirect_uris = ['https://notes.example.com/cb#x']), /redirect_uris must be/],
    ['a private-use scheme redirect (MCP requires https or loopback)', (p) => (p.redirect_uris = ['com.example.notes:/cb']), /redirect_uris must be/],
    ['grant types without authorization_code', (p) => (p.grant_types = ['refresh_token']), /grant_types must be a list that includes authorization_code/],
    ['an unsupported grant type', (p) => (p.grant_types = ['authorization_code', 'password']), /grant_types must be/],
    ['a scope with a quote', (p) => (p.scope = 'a "b"'), /scope must be space-separated RFC 6749 scope tokens/],
    ['application_type web', (p) => (p.application_type = 'web'), /application_type must be native/],
    ['no platforms', (p) => (p.platforms = {}), /platforms must be an object with at least one/],
    ['an unknown platform', (p) => (p.platforms = { symbian: { formats: ['none'] } }), /platforms must be an object of android, ios, windows/],
    ['a format of another platform', (p) => (p.platforms = { android: { formats: ['apple-appattest'] } }), /platforms.android.formats must be a non-empty list of android-key, packed, packed-self, none/],
    ['android-key without package names', (p) => delete (p.platforms as { android: Record<string, unknown> }).android.package_names, /platforms.android.package_names must be a non-empty list of Android package names/],
    ['a signing digest that is not SHA-256', (p) => ((p.platforms as { android: Record<string, unknown> }).android.signing_cert_digests = ['abcd']), /signing_cert_digests must be/],
    ['min_security_level Software', (p) => ((p.platforms as { android: Record<string, unknown> }).android.min_security_level = 'Software'), /a software key is never accepted/],
    ['package names where android-key is not accepted', (p) => (p.platforms = { windows: { formats: ['packed'], package_names: ['a.b'] } }), /platforms.windows.package_names must be left out unless formats include android-key/],
    ['apple-appattest without App IDs', (p) => (p.platforms = { ios: { formats: ['apple-appattest'] } }), /platforms.ios.app_ids must be a non-empty list of App IDs/],
    ['an AAGUID in upper case', (p) => (p.platforms = { windows: { formats: ['packed'], aaguids: ['ABCDEFAB-0000-0000-0000-000000000000'] } }), /aaguids must be a non-empty list of lowercase dashed AAGUIDs/],
  ])('refuses a profile with %s, in one line naming the setting', (_name, change, message) => {
    expect(withProfile(change)).toMatch(/^BACKEND_APP_PROFILES /);
    expect(withProfile(change)).toMatch(message);
  });

  it('refuses two profiles with one id, and a value that is not an array', () => {
    expect(configError({ BACKEND_APP_PROFILES: JSON.stringify([PROFILE, PROFILE]) })).toBe('BACKEND_APP_PROFILES names profile "notes" twice');
    expect(configError({ BACKEND_APP_PROFILES: '{"id":"notes"}' })).toBe('BACKEND_APP_PROFILES must be a JSON array of app profiles');
    expect(configError({ BACKEND_APP_PROFILES: '[' })).toMatch(/^BACKEND_APP_PROFILES must be valid JSON/);
  });

  it('refuses a backend public URL with a path (documents live at /<install-id>/client.json)', () => {
    expect(configError({ BACKEND_PUBLIC_URL: 'https://apps.example.com/cimd' })).toMatch(/^BACKEND_PUBLIC_URL must be an origin without a path/);
  });

  describe('production', () => {
    it('requires explicit app profiles: the demo profile is development-only', () => {
      expect(configError(PRODUCTION)).toBe('BACKEND_APP_PROFILES must list at least one app profile (there is no default outside development mode)');
    });

    it('boots with android-key on the bundled Google roots, and turns the development CA and none off', () => {
      const config = loadConfig({ ...PRODUCTION, BACKEND_APP_PROFILES: JSON.stringify([PROFILE]) }).clientBackend;
      expect(config.devAttestationCa).toBe(false);
      expect(config.allowNoneFormat).toBe(false);
    });

    it.each([
      ['packed', { windows: { formats: ['packed'] } }],
      ['tpm', { windows: { formats: ['tpm'] } }],
      ['apple-appattest', { ios: { formats: ['apple-appattest'], app_ids: ['ABCDE12345.com.example.notes'] } }],
    ])('refuses to boot with %s enabled and no trust roots for it', (format, platforms) => {
      expect(configError({ ...PRODUCTION, BACKEND_APP_PROFILES: JSON.stringify([{ ...PROFILE, platforms }]) })).toBe(
        `BACKEND_ATTESTATION_ROOTS has no trust roots for ${format}, which profile "notes" accepts for ${Object.keys(platforms)[0]}`,
      );
    });

    it('refuses to boot with android-key roots explicitly emptied', () => {
      const env = { ...PRODUCTION, BACKEND_APP_PROFILES: JSON.stringify([PROFILE]), BACKEND_ATTESTATION_ROOTS: '{"android-key":[]}' };
      expect(configError(env)).toMatch(/^BACKEND_ATTESTATION_ROOTS has no trust roots for android-key/);
    });

    it('refuses the none format, and refuses the development switches', () => {
      const none = JSON.stringify([{ ...PROFILE, platforms: { windows: { formats: ['none'] } } }]);
      expect(configError({ ...PRODUCTION, BACKEND_APP_PROFILES: none })).toMatch(/accepts format none for windows, which needs the development-only switch BACKEND_DEV_ALLOW_NONE/);
      for (const name of ['BACKEND_DEV_ATTESTATION_CA', 'BACKEND_DEV_ALLOW_NONE']) {
        expect(configError({ ...PRODUCTION, BACKEND_APP_PROFILES: JSON.stringify([PROFILE]), [name]: 'true' })).toBe(
          `${name} is a development-only switch and MODE=production refuses to start with it on`,
        );
      }
    });

    it('boots with packed when its roots are configured, inline or from a file', async () => {
      const pki = await createTestPki('Config');
      const file = join(mkdtempSync(join(tmpdir(), 'acimd-roots-')), 'roots.pem');
      writeFileSync(file, `${pki.rootPem}\n${pki.rootPem}`);
      const profiles = JSON.stringify([{ ...PROFILE, platforms: { windows: { formats: ['packed'] } } }]);
      const config = loadConfig({ ...PRODUCTION, BACKEND_APP_PROFILES: profiles, BACKEND_ATTESTATION_ROOTS: JSON.stringify({ packed: [pki.rootPem, file] }) }).clientBackend;
      expect(config.trustRoots.packed.map((root) => root.kind === 'der' && root.label)).toEqual(['inline packed root', `${file} #1`, `${file} #2`]);
    });
  });

  it.each([
    ['an unknown format', '{"fido-u2f":[]}', /must be an object whose keys are android-key, packed, tpm, apple-appattest/],
    ['a missing file', '{"packed":["/nonexistent/root.pem"]}', /must be a readable PEM file for packed/],
    ['text without a certificate', '{"packed":["-----BEGIN NOTHING-----"]}', /must be PEM certificates for packed/],
    ['"google" for another format', '{"tpm":["google"]}', /"google" only for android-key/],
  ])('refuses BACKEND_ATTESTATION_ROOTS with %s', (_name, value, message) => {
    expect(configError({ BACKEND_ATTESTATION_ROOTS: value })).toMatch(message);
  });

  it('refuses a leaf (non-CA) certificate as a trust root', async () => {
    const { issueCertificate, generateEs256KeyPair, certificateToPem } = await import('../../common/crypto/x509-issuer.js');
    const keys = await generateEs256KeyPair();
    const leaf = await issueCertificate({ subject: 'CN=Leaf', publicKey: keys.publicKey, selfSigningKey: keys.privateKey, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
    expect(configError({ BACKEND_ATTESTATION_ROOTS: JSON.stringify({ packed: [certificateToPem(leaf)] }) })).toMatch(/must be CA certificates for packed/);
  });

  it('validates durations', () => {
    expect(configError({ BACKEND_DOCUMENT_MAX_AGE: '2h' })).toMatch(/^BACKEND_DOCUMENT_MAX_AGE must be a duration from 0s to 3600s/);
    expect(configError({ BACKEND_CHALLENGE_TTL: '10s' })).toMatch(/^BACKEND_CHALLENGE_TTL must be a duration from 30s to 900s/);
    expect(loadConfig({ BACKEND_DOCUMENT_MAX_AGE: '0' }).clientBackend.documentMaxAgeSeconds).toBe(0);
  });

  it('keeps the demo profile valid against its own rules', () => {
    expect(() => loadConfig({ BACKEND_APP_PROFILES: JSON.stringify(DEMO_APP_PROFILES) })).not.toThrow();
  });
});
