import { randomUUID } from 'node:crypto';
import { SignJWT, base64url, exportSPKI, importJWK, type CryptoKey } from 'jose';
import { sha256Base64Url } from '../../src/common/crypto/hash.js';
import { body } from '../support/http.js';
import { JWT_BEARER, authorize, clientAssertion, pkce, tokenRequest } from '../support/oauth-client.js';
import { ALICE, deviceKey, machineClientDocument, startOAuthFixture, type DeviceKey, type OAuthFixture } from '../support/oauth-fixture.js';

describe('token endpoint', () => {
  let fixture: OAuthFixture;
  let key: DeviceKey;
  let otherKey: DeviceKey;
  let publicId: string;
  let otherPublicId: string;
  let installA: string;
  let installB: string;
  const redirect = 'http://127.0.0.1:7001/cb';
  const appRedirect = 'https://apps.example/cb';

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    key = await deviceKey();
    otherKey = await deviceKey();
    publicId = fixture.clients.add('public', { redirect_uris: ['http://127.0.0.1/cb'] });
    otherPublicId = fixture.clients.add('other-public', { redirect_uris: ['http://127.0.0.1/cb'] });
    const install = (name: string, jwk: typeof key.publicJwk) =>
      fixture.clients.add(name, {
        redirect_uris: [appRedirect],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      });
    installA = install('install-a', key.publicJwk);
    installB = install('install-b', otherKey.publicJwk);
  });

  afterAll(() => fixture.stop());

  const asA = async (extra: Record<string, unknown> = {}) => ({
    client_assertion_type: JWT_BEARER,
    client_assertion: await fixture.assertion(installA, key, extra),
  });

  async function codeFor(clientId: string, redirectUri: string, scope?: string) {
    return authorize({ as: fixture.as, clientId, redirectUri, resource: fixture.resource, scope, ...ALICE });
  }

  async function expectError(response: Response, status: number, error: string): Promise<void> {
    expect({ status: response.status, error: (await body(response)).error }).toEqual({ status, error });
    expect(response.headers.get('cache-control')).toBe('no-store');
  }

  describe('authorization_code', () => {
    it('refuses a missing or wrong code_verifier with invalid_grant, without revoking anything', async () => {
      const flow = await codeFor(publicId, redirect);
      await expectError(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId }), 400, 'invalid_grant');
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: pkce().verifier }),
        400,
        'invalid_grant',
      );
      // The code is still good for the rightful client (an invalid replay must not burn it).
      const ok = await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier });
      expect(ok.status).toBe(200);
    });

    it('refuses a verifier for a code that was issued without a challenge (PKCE downgrade)', async () => {
      const flow = await codeFor(publicId, redirect);
      await fixture.system.database.dataSource.query('UPDATE authorization_codes SET code_challenge = NULL WHERE code_hash = $1', [sha256Base64Url(flow.code)]);
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier }),
        400,
        'invalid_grant',
      );
    });

    it('refuses a reused code and revokes every token issued from it', async () => {
      const flow = await codeFor(publicId, redirect);
      const exchange = { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier };
      const first = await body(await tokenRequest(fixture.as, exchange));
      await expectError(await tokenRequest(fixture.as, exchange), 400, 'invalid_grant');
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId }), 400, 'invalid_grant');
      const [grant] = await fixture.system.database.dataSource.query('SELECT revoked_reason FROM grants WHERE id = $1', [first.access_token && (await grantOf(first.access_token))]);
      expect(grant.revoked_reason).toBe('authorization code reused');
    });

    it('lets exactly one of 20 concurrent redemptions of a code succeed', async () => {
      const flow = await codeFor(publicId, redirect);
      const exchange = { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier };
      const statuses = await Promise.all(Array.from({ length: 20 }, () => tokenRequest(fixture.as, exchange).then((r) => r.status)));
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 400)).toHaveLength(19);
    });

    it('refuses a code presented by another client', async () => {
      const flow = await codeFor(publicId, redirect);
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: otherPublicId, code_verifier: flow.verifier }),
        400,
        'invalid_grant',
      );
    });

    it('refuses a code issued to install A and redeemed with install B’s assertion', async () => {
      const flow = await codeFor(installA, appRedirect);
      await expectError(
        await tokenRequest(fixture.as, {
          grant_type: 'authorization_code',
          code: flow.code,
          code_verifier: flow.verifier,
          client_assertion_type: JWT_BEARER,
          client_assertion: await fixture.assertion(installB, otherKey),
        }),
        400,
        'invalid_grant',
      );
    });

    it('refuses a redirect_uri that differs from the authorization request', async () => {
      const flow = await codeFor(publicId, redirect);
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier, redirect_uri: 'http://127.0.0.1:7002/cb' }),
        400,
        'invalid_grant',
      );
    });

    it('refuses a resource switched at the token endpoint with invalid_target', async () => {
      const flow = await codeFor(publicId, redirect);
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier, resource: 'https://other.example/mcp' }),
        400,
        'invalid_target',
      );
    });

    it('refuses an expired code', async () => {
      const flow = await codeFor(publicId, redirect);
      await fixture.system.database.dataSource.query(`UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE code_hash = $1`, [sha256Base64Url(flow.code)]);
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier }),
        400,
        'invalid_grant',
      );
    });
  });

  describe('refresh_token', () => {
    it('revokes the grant when a rotated refresh token is reused', async () => {
      const flow = await codeFor(publicId, redirect);
      const first = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier }));
      const second = await body(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId }));
      expect(second.refresh_token).toBeDefined();
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId }), 400, 'invalid_grant');
      // the whole family is gone
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: publicId }), 400, 'invalid_grant');
    });

    it('lets one of several concurrent uses of a refresh token succeed, and then the grant is revoked', async () => {
      const flow = await codeFor(publicId, redirect);
      const first = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier }));
      const results = await Promise.all(
        Array.from({ length: 10 }, () => tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId })),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      const winner = await body(ok[0]);
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: winner.refresh_token, client_id: publicId }), 400, 'invalid_grant');
    });

    it('refuses a wider scope, another resource or another client without using up the refresh token', async () => {
      const flow = await codeFor(publicId, redirect, 'mcp:tickets:read');
      const first = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: publicId, code_verifier: flow.verifier }));
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId, scope: 'mcp:tickets:read mcp:tickets:write' }),
        400,
        'invalid_scope',
      );
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId, resource: 'https://elsewhere.example/mcp' }),
        400,
        'invalid_target',
      );
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: otherPublicId }), 400, 'invalid_grant');
      const still = await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: publicId });
      expect(still.status).toBe(200);
    });

    it('revokes the grant when a client that used private_key_jwt comes back with a weaker method', async () => {
      const flow = await codeFor(installA, appRedirect);
      const first = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, ...(await asA()) }));
      // the document now says "none" (downgrade)
      const original = fixture.clients.document(installA);
      fixture.clients.update(installA, { token_endpoint_auth_method: 'none', jwks: undefined, grant_types: ['authorization_code', 'refresh_token'] });
      try {
        await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: installA }), 400, 'invalid_grant');
      } finally {
        fixture.clients.update(installA, original);
      }
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, ...(await asA()) }), 400, 'invalid_grant');
    });

    it('stops refresh and revokes the grant once the client can no longer be resolved (document deleted)', async () => {
      const flow = await codeFor(installA, appRedirect);
      const first = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, ...(await asA()) }));
      const original = fixture.clients.document(installA);
      const assertionBeforeDeletion = await asA();
      fixture.clients.remove(installA);
      try {
        await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, ...assertionBeforeDeletion }), 401, 'invalid_client');
      } finally {
        fixture.clients.add('install-a', original as never);
      }
      // Even with the document back, that grant stays revoked.
      await expectError(await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: first.refresh_token, ...(await asA()) }), 400, 'invalid_grant');
    });
  });

  describe('client_credentials', () => {
    it('issues a token whose subject is the client to a confidential client allowed the grant', async () => {
      const response = await tokenRequest(fixture.as, { grant_type: 'client_credentials', scope: 'mcp:tickets:read', ...(await asA()) });
      expect(response.status).toBe(200);
      const tokens = await body(response);
      expect(tokens.refresh_token).toBeUndefined();
      const [, payload] = tokens.access_token.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ sub: installA, client_id: installA, aud: fixture.resource });
    });

    it('never lets a public client use it: the grant is dropped from its document (unauthorized_client)', async () => {
      const publicMachine = fixture.clients.add('cc-public', { redirect_uris: ['http://127.0.0.1/cb'], grant_types: ['authorization_code', 'client_credentials'] });
      await expectError(await tokenRequest(fixture.as, { grant_type: 'client_credentials', client_id: publicMachine }), 400, 'unauthorized_client');
    });
  });

  describe('request shape', () => {
    it.each<[string, () => Record<string, string>, number, string]>([
      ['no grant_type', () => ({ client_id: publicId }), 400, 'invalid_request'],
      ['an unsupported grant type', () => ({ grant_type: 'password', client_id: publicId }), 400, 'unsupported_grant_type'],
      ['the implicit-style grant', () => ({ grant_type: 'implicit', client_id: publicId }), 400, 'unsupported_grant_type'],
      ['a grant the client is not registered for', () => ({ grant_type: 'client_credentials', client_id: publicId }), 400, 'unauthorized_client'],
      ['no client identification', () => ({ grant_type: 'authorization_code', code: 'x' }), 401, 'invalid_client'],
      ['an unknown client', () => ({ grant_type: 'authorization_code', code: 'x', client_id: fixture.clients.host.url('/nobody/c.json') }), 401, 'invalid_client'],
      ['an unknown code', () => ({ grant_type: 'authorization_code', code: 'nope', client_id: publicId, code_verifier: pkce().verifier }), 400, 'invalid_grant'],
    ])('refuses %s', async (_name, fields, status, error) => {
      await expectError(await tokenRequest(fixture.as, fields()), status, error);
    });

    it('refuses a repeated parameter and a JSON body with invalid_request', async () => {
      const repeated = await fetch(`${fixture.as}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=a&code=b&client_id=${encodeURIComponent(publicId)}`,
      });
      await expectError(repeated, 400, 'invalid_request');
      const json = await fetch(`${fixture.as}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
      await expectError(json, 400, 'invalid_request');
    });
  });

  describe('private_key_jwt (RFC 7523 as updated by RFC 10070)', () => {
    const cc = (assertion: string, extra: Record<string, string> = {}) =>
      tokenRequest(fixture.as, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra });

    it('accepts an untyped assertion, a client-authentication+jwt one, and aud as a one-element array', async () => {
      expect((await cc(await fixture.assertion(installA, key, { typ: null }))).status).toBe(200);
      expect((await cc(await fixture.assertion(installA, key))).status).toBe(200);
      expect((await cc(await fixture.assertion(installA, key, { audience: [fixture.issuer] }))).status).toBe(200);
    });

    it('requires private_key_jwt from a client that declares it: no assertion is invalid_client (401)', async () => {
      await expectError(await tokenRequest(fixture.as, { grant_type: 'client_credentials', client_id: installA }), 401, 'invalid_client');
    });

    it.each<[string, () => Promise<string>]>([
      ['wrong aud', () => fixture.assertion(installA, key, { audience: 'https://other.example' })],
      ['aud = token endpoint URL', () => fixture.assertion(installA, key, { audience: `${fixture.issuer}/token` })],
      ['aud = issuer and another', () => fixture.assertion(installA, key, { audience: [fixture.issuer, 'https://other.example'] })],
      ['aud = issuer + "/"', () => fixture.assertion(installA, key, { audience: `${fixture.issuer}/` })],
      ['exp an hour ahead', () => fixture.assertion(installA, key, { lifetimeSeconds: 3600 })],
      ['expired', () => fixture.assertion(installA, key, { lifetimeSeconds: -120 })],
      ['nbf in the future', () => fixture.assertion(installA, key, { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } })],
      ['no jti', () => fixture.assertion(installA, key, { claims: { jti: undefined } })],
      ['iss != sub', () => fixture.assertion(installA, key, { claims: { sub: installB } })],
      ['typ at+jwt', () => fixture.assertion(installA, key, { typ: 'at+jwt' })],
      ['unknown kid', () => fixture.assertion(installA, key, { kid: 'not-a-known-kid' })],
      ['key from another client', () => fixture.assertion(installA, otherKey)],
      ['signed by install B, presented as install A', () => clientAssertion({ clientId: installA, audience: fixture.issuer, key: otherKey.privateKey, kid: key.kid })],
      [
        'alg none',
        async () => {
          const now = Math.floor(Date.now() / 1000);
          const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'client-authentication+jwt' }));
          const payload = base64url.encode(JSON.stringify({ iss: installA, sub: installA, aud: fixture.issuer, exp: now + 60, jti: randomUUID() }));
          return `${header}.${payload}.`;
        },
      ],
      [
        'HS256 signed with the public key as the secret',
        async () => {
          const pem = await exportSPKI((await importJWK(key.publicJwk, 'ES256')) as CryptoKey);
          return new SignJWT({ jti: randomUUID() })
            .setProtectedHeader({ alg: 'HS256', kid: key.kid })
            .setIssuer(installA)
            .setSubject(installA)
            .setAudience(fixture.issuer)
            .setExpirationTime('1m')
            .sign(new TextEncoder().encode(pem));
        },
      ],
      [
        'a header jwk naming the attacker key',
        async () => {
          const attacker = await deviceKey();
          return clientAssertion({ clientId: installA, audience: fixture.issuer, key: attacker.privateKey, header: { jwk: { ...attacker.publicJwk } } });
        },
      ],
      ['an assertion over the size cap (16 KB), before parsing it', async () => `${'a'.repeat(8_000)}.${'b'.repeat(8_000)}.c`],
    ])('refuses %s with invalid_client', async (_name, make) => {
      await expectError(await cc(await make()), 401, 'invalid_client');
    });

    it('refuses a client_id parameter that differs from the assertion, and two authentication methods', async () => {
      await expectError(await cc(await fixture.assertion(installA, key), { client_id: installB }), 401, 'invalid_client');
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(installA)}:secret`).toString('base64')}`;
      const response = await tokenRequest(fixture.as, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await fixture.assertion(installA, key) }, { authorization: basic });
      await expectError(response, 401, 'invalid_client');
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="token"');
    });

    it('refuses a 100 KB assertion at the body limit (413), before any parsing', async () => {
      await expectError(await cc(`${'a'.repeat(50_000)}.${'b'.repeat(50_000)}.c`), 413, 'invalid_request');
    });

    it('refuses a wrong client_assertion_type', async () => {
      await expectError(
        await tokenRequest(fixture.as, { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await fixture.assertion(installA, key) }),
        401,
        'invalid_client',
      );
    });

    it('refuses a replayed assertion, and exactly one of 20 concurrent copies succeeds', async () => {
      const once = await fixture.assertion(installA, key);
      expect((await cc(once)).status).toBe(200);
      await expectError(await cc(once), 401, 'invalid_client');
      const copy = await fixture.assertion(installA, key);
      const statuses = await Promise.all(Array.from({ length: 20 }, () => cc(copy).then((r) => r.status)));
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(19);
    });

    it('accepts a rotated key published in the document, and refuses the old one', async () => {
      const rotated = await deviceKey();
      fixture.clients.setKeys(installB, [rotated.publicJwk]);
      expect((await cc(await fixture.assertion(installB, rotated))).status).toBe(200);
      await expectError(await cc(await fixture.assertion(installB, otherKey)), 401, 'invalid_client');
      fixture.clients.setKeys(installB, [otherKey.publicJwk]);
    });
  });

  async function grantOf(accessToken: string): Promise<string> {
    const [, payload] = accessToken.split('.');
    const jti = JSON.parse(Buffer.from(payload, 'base64url').toString()).jti as string;
    return jti.split('.')[1];
  }
});

/**
 * Registers a fixture whose token endpoint allows `limit` requests per `rule` in a 10-minute window,
 * with one private_key_jwt client allowed client_credentials; started before and stopped after the
 * enclosing describe's tests.
 */
function rateLimitedFixture(rule: 'token:client' | 'token:ip', limit: number) {
  const context = {} as { fixture: OAuthFixture; key: DeviceKey; machine: string; clientCredentials(assertion: string): Promise<Response> };
  beforeAll(async () => {
    context.fixture = await startOAuthFixture({ env: { RATE_LIMITS: JSON.stringify({ [rule]: { limit, window_seconds: 600 } }) } });
    context.key = await deviceKey();
    context.machine = context.fixture.clients.add('machine', machineClientDocument(context.key, 'https://apps.example/cb'));
    context.clientCredentials = (assertion) =>
      tokenRequest(context.fixture.as, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });
  });
  afterAll(() => context.fixture.stop());
  return context;
}

describe('token endpoint rate limit per client', () => {
  const limited = rateLimitedFixture('token:client', 2);
  let publicId: string;

  beforeAll(() => {
    publicId = limited.fixture.clients.add('limited-public', { redirect_uris: ['http://127.0.0.1/cb'] });
  });

  it('counts a private_key_jwt request only once its assertion proved fresh, and answers 429 past the limit', async () => {
    const { fixture, key, machine, clientCredentials: request } = limited;
    const first = await fixture.assertion(machine, key);
    expect((await request(first)).status).toBe(200);
    // A replay is refused and spends none of the client's quota.
    expect((await request(first)).status).toBe(401);
    expect((await request(await fixture.assertion(machine, key))).status).toBe(200);
    const refused = await request(await fixture.assertion(machine, key));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts clients of other authentication methods after they are identified', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await tokenRequest(limited.fixture.as, { grant_type: 'refresh_token', refresh_token: 'unknown', client_id: publicId })).status);
    }
    expect(statuses).toEqual([400, 400, 429]);
  });
});

describe('token endpoint rate limit per address', () => {
  const limited = rateLimitedFixture('token:ip', 4);

  it('counts every request, malformed, replayed or badly signed ones too, and refuses past the limit', async () => {
    const { fixture, key, machine, clientCredentials: request } = limited;
    const first = await fixture.assertion(machine, key);
    const statuses = [(await tokenRequest(fixture.as, { client_id: machine })).status, (await request(first)).status, (await request(first)).status];
    statuses.push((await request(await fixture.assertion(machine, await deviceKey()))).status);
    expect(statuses).toEqual([400, 200, 401, 401]);
    const refused = await request(await fixture.assertion(machine, key));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await tokenRequest(fixture.as, { client_id: machine })).status).toBe(429);
  });
});
