import { SignJWT, type CryptoKey } from 'jose';
import { ScriptedAuthorizationServer, scriptedKey, SCRIPTED_ISSUER, SCRIPTED_JWKS_URI } from '../../../test/support/scripted-authorization-server.js';
import { FakeClock } from '../../common/clock/clock.js';
import { ServiceUnavailableError } from '../../common/errors/protocol-error.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { loadConfig } from '../../config/app-config.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { AuthorizationServerKeys } from './authorization-server-keys.js';

const RESOURCE = 'https://mcp.example.test/mcp';

describe('AccessTokenVerifier', () => {
  const config = loadConfig({ MCP_AS_ISSUER: SCRIPTED_ISSUER, MCP_RESOURCE: RESOURCE, MCP_JWKS_CACHE_TTL: '300', MCP_CLOCK_SKEW: '30' }).mcpResource;
  let as: ScriptedAuthorizationServer;
  let clock: FakeClock;
  let verifier: AccessTokenVerifier;
  let signingKey: CryptoKey;

  const sign = (claims: Record<string, unknown> = {}, key = signingKey, kid = 'k1') =>
    new SignJWT({
      iss: SCRIPTED_ISSUER,
      aud: RESOURCE,
      sub: 'user-1',
      client_id: 'client-1',
      scope: 'mcp:tickets:read',
      iat: clock.nowSeconds(),
      exp: clock.nowSeconds() + 300,
      jti: 'j',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .sign(key);

  beforeEach(async () => {
    as = new ScriptedAuthorizationServer();
    const key = await scriptedKey('k1');
    as.jwks = { keys: [key.jwk] };
    signingKey = key.privateKey;
    clock = new FakeClock();
    const keys = new AuthorizationServerKeys(as, config, clock, new AppLogger('error', undefined, () => undefined));
    verifier = new AccessTokenVerifier(keys, config, clock);
  });

  it('returns the claims the tools use', async () => {
    const result = await verifier.verify(await sign());
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ subject: 'user-1', clientId: 'client-1', scopes: ['mcp:tickets:read'], jwtId: 'j' }),
    });
  });

  it('remembers a verified token but still expires it exactly (with the skew)', async () => {
    const token = await sign();
    expect((await verifier.verify(token)).ok).toBe(true);
    clock.advanceSeconds(300 + 29);
    expect((await verifier.verify(token)).ok).toBe(true);
    clock.advanceSeconds(1);
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: expect.stringMatching(/^expired/) });
  });

  it('forgets a remembered verification once the AS stops publishing the key', async () => {
    const token = await sign();
    expect((await verifier.verify(token)).ok).toBe(true);
    as.jwks = { keys: [(await scriptedKey('k2')).jwk] };
    clock.advanceSeconds(config.jwksCacheSeconds);
    expect(await verifier.verify(await sign({ exp: clock.nowSeconds() + 300 }))).toEqual({ ok: false, reason: 'no ES256 key with kid k1 in the AS JWKS' });
    expect((await verifier.verify(token)).ok).toBe(false);
  });

  it('never remembers a refusal: a token refused for its signature stays refused', async () => {
    const forged = await sign({}, (await scriptedKey('k1')).privateKey);
    expect((await verifier.verify(forged)).ok).toBe(false);
    expect((await verifier.verify(forged)).ok).toBe(false);
  });

  it('does not let a remembered token stand for a modified one', async () => {
    const token = await sign();
    expect((await verifier.verify(token)).ok).toBe(true);
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect((await verifier.verify(flipped)).ok).toBe(false);
  });

  it('reports an unreachable AS as a service problem, not as a bad token', async () => {
    as.down = true;
    await expect(verifier.verify(await sign())).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(as.asked).toEqual([`${SCRIPTED_ISSUER}/.well-known/oauth-authorization-server`]);
    as.down = false;
    clock.advanceSeconds(config.jwksRefetchIntervalSeconds);
    expect((await verifier.verify(await sign())).ok).toBe(true);
    expect(as.asked.at(-1)).toBe(SCRIPTED_JWKS_URI);
  });
});
