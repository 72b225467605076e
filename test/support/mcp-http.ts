import { generateKeyPair } from 'jose';
import type { SigningKey } from './access-tokens.js';
import { READ_SCOPE } from './access-tokens.js';
import { body } from './http.js';

/** The first request of every MCP client. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'attested-cimd-test', version: '1.0.0' } },
};

export const toolCall = (name: string, args: Record<string, unknown> = {}, id = 2) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/** A raw Streamable HTTP POST to the MCP endpoint, as an MCP client sends it. */
export function postMcp(
  base: string,
  token: string | undefined,
  payload: unknown = INITIALIZE,
  headers: Record<string, string> = {},
  path = '/mcp',
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

/** The exact challenge the MCP server sends with a 401 (or a 400 invalid_request). */
export function expectedChallenge(metadataUrl: string, error?: readonly [string, string]): string {
  return (
    (error ? `Bearer error="${error[0]}", error_description="${error[1]}", ` : 'Bearer ') +
    `resource_metadata="${metadataUrl}", scope="${READ_SCOPE}"`
  );
}

export async function expectInvalidToken(response: Response, metadataUrl: string): Promise<void> {
  const description = 'The access token is invalid or expired.';
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(expectedChallenge(metadataUrl, ['invalid_token', description]));
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await body(response)).toEqual({ error: 'invalid_token', error_description: description });
}

/** A signing key the AS never published (an attacker's, or another issuer's). */
export async function foreignKey(kid = 'attacker-key'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('ES256');
  return { kid, alg: 'ES256', key: privateKey };
}
