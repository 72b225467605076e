import { checkUrlFields, decideClientId, matchesPattern, parseUrlPattern, urlFieldsOf, type TrustPolicy, type TrustRule } from './trust-policy.js';

function rule(pattern: string, extra: Partial<TrustRule> = {}): TrustRule {
  return { ...parseUrlPattern(pattern), requirePrivateKeyJwt: false, metadataPolicy: {}, ...extra };
}

describe('trust policy', () => {
  describe('URL patterns (scheme + host + path-segment prefix, as Authlete matches)', () => {
    it.each([
      ['https://apps.example.com/', 'https://apps.example.com/x/client.json', true],
      ['https://apps.example.com/tenants/', 'https://apps.example.com/tenants/a/client.json', true],
      ['https://apps.example.com/tenants', 'https://apps.example.com/tenants', true],
      ['https://apps.example.com/tenants/', 'https://apps.example.com/tenants-evil/a/client.json', false],
      ['https://apps.example.com/a/b/', 'https://apps.example.com/a/client.json', false],
      ['https://apps.example.com/', 'http://apps.example.com/x', false],
      ['https://apps.example.com/', 'https://apps.example.com:8443/x', false],
      ['https://apps.example.com:8443/', 'https://apps.example.com:8443/x', true],
      ['https://apps.example.com:443/', 'https://apps.example.com/x', true],
      ['https://apps.example.com/', 'https://evil-apps.example.com/x', false],
      ['https://apps.example.com/', 'https://apps.example.com.evil.example/x', false],
      ['https://*.example.com/', 'https://a.example.com/x', true],
      ['https://*.example.com/', 'https://a.b.example.com/x', true],
      ['https://*.example.com/', 'https://example.com/x', false],
      ['https://*.example.com/', 'https://evilexample.com/x', false],
      ['https://*.example.com/mcp/', 'https://a.example.com/other/x', false],
    ])('%s against %s: %s', (pattern, url, expected) => {
      expect(matchesPattern(new URL(url), parseUrlPattern(pattern))).toBe(expected);
    });

    it.each(['apps.example.com', 'https://a.*.example.com/', 'https://user@apps.example.com/', 'https://apps.example.com/?q', 'ftp://apps.example.com/', 42])(
      'refuses the pattern %s',
      (pattern) => {
        expect(() => parseUrlPattern(pattern)).toThrow();
      },
    );
  });

  describe('the client_id', () => {
    const denyEvil = [parseUrlPattern('https://*.evil.example/'), parseUrlPattern('https://apps.example.com/banned/')];

    it('open mode admits any https client_id unless denied, and reports the matching rule', () => {
      const policy: TrustPolicy = { mode: 'open', allow: [rule('https://apps.example.com/', { requirePrivateKeyJwt: true })], deny: denyEvil };
      expect(decideClientId(policy, 'https://anyone.example/c.json')).toEqual({ ok: true, rule: undefined });
      expect(decideClientId(policy, 'https://apps.example.com/i/c.json')).toMatchObject({ ok: true, rule: { pattern: 'https://apps.example.com/' } });
      expect(decideClientId(policy, 'https://x.evil.example/c.json')).toMatchObject({ ok: false, reason: expect.stringContaining('denylist') });
    });

    it('allowlist mode admits only matching client_ids, and the denylist always wins', () => {
      const policy: TrustPolicy = { mode: 'allowlist', allow: [rule('https://apps.example.com/')], deny: denyEvil };
      expect(decideClientId(policy, 'https://apps.example.com/i/c.json').ok).toBe(true);
      expect(decideClientId(policy, 'https://other.example/c.json')).toMatchObject({ ok: false, reason: expect.stringContaining('no allowlist') });
      expect(decideClientId(policy, 'https://apps.example.com/banned/c.json')).toMatchObject({ ok: false, reason: expect.stringContaining('denylist') });
    });

    it('takes the first matching rule', () => {
      const policy: TrustPolicy = { mode: 'allowlist', allow: [rule('https://apps.example.com/special/', { cacheMaxSeconds: 60 }), rule('https://apps.example.com/')], deny: [] };
      expect(decideClientId(policy, 'https://apps.example.com/special/c.json')).toMatchObject({ ok: true, rule: { cacheMaxSeconds: 60 } });
    });
  });

  describe('URL fields: a trusted host cannot point elsewhere', () => {
    const allowlist: TrustPolicy = { mode: 'allowlist', allow: [rule('https://apps.example.com/'), rule('https://cdn.example.com/logos/')], deny: [parseUrlPattern('https://tracker.example/')] };

    it.each([
      ['redirect_uris', { redirect_uris: ['https://attacker.example/cb'] }],
      ['jwks_uri', { jwks_uri: 'https://attacker.example/jwks.json' }],
      ['logo_uri', { logo_uri: 'https://cdn.example.com/other/logo.png' }],
      ['client_uri', { client_uri: 'https://attacker.example/' }],
      ['post_logout_redirect_uris', { post_logout_redirect_uris: ['https://attacker.example/bye'] }],
      ['backchannel_client_notification_endpoint', { backchannel_client_notification_endpoint: 'https://attacker.example/ciba' }],
      ['initiate_login_uri', { initiate_login_uri: 'https://attacker.example/login' }],
      ['request_uris', { request_uris: ['https://attacker.example/r'] }],
    ])('refuses %s outside the allowlist', (field, document) => {
      const decision = checkUrlFields(allowlist, urlFieldsOf(document));
      expect(decision).toMatchObject({ ok: false, reason: expect.stringContaining(field) });
    });

    it('admits URL fields inside the allowlist and device-local redirect URIs', () => {
      const document = {
        client_id: 'https://apps.example.com/i/c.json',
        redirect_uris: ['https://apps.example.com/cb', 'http://127.0.0.1/cb', 'http://localhost:8080/cb', 'http://[::1]/cb', 'com.example.app:/cb'],
        logo_uri: 'https://cdn.example.com/logos/a.png',
        jwks_uri: 'https://apps.example.com/jwks',
      };
      expect(checkUrlFields(allowlist, urlFieldsOf(document))).toEqual({ ok: true });
    });

    it('refuses a denylisted URL field even in open mode', () => {
      const open: TrustPolicy = { ...allowlist, mode: 'open' };
      expect(checkUrlFields(open, urlFieldsOf({ logo_uri: 'https://anything.example/logo.png' }))).toEqual({ ok: true });
      expect(checkUrlFields(open, urlFieldsOf({ logo_uri: 'https://tracker.example/pixel.png' })).ok).toBe(false);
    });
  });
});
