import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { AuthorizationServerFetchError, AuthorizationServerHttp } from '../../src/mcp-resource/bearer/authorization-server-http.js';

export const SCRIPTED_ISSUER = 'https://as.example.test';
export const SCRIPTED_JWKS_URI = `${SCRIPTED_ISSUER}/keys`;

/**
 * The MCP server's outbound port answered by the test instead of a network: metadata and a JWKS the
 * test changes at will, or an outage. Records every URL asked for.
 */
export class ScriptedAuthorizationServer extends AuthorizationServerHttp {
  readonly asked: string[] = [];
  metadata: unknown = { issuer: SCRIPTED_ISSUER, jwks_uri: SCRIPTED_JWKS_URI };
  jwks: { keys: JWK[] } = { keys: [] };
  down = false;

  async getJson(url: string): Promise<unknown> {
    this.asked.push(url);
    await Promise.resolve();
    if (this.down) throw new AuthorizationServerFetchError(`GET ${url} failed: connection refused`);
    return url === SCRIPTED_JWKS_URI ? this.jwks : this.metadata;
  }
}

/** A fresh ES256 key pair: the public JWK (with kid and alg) to publish, the private key to sign with. */
export async function scriptedKey(kid: string): Promise<{ jwk: JWK; privateKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' }, privateKey };
}
