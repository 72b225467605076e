import type { EnvReader } from '../env-reader.js';

/** The OAuth 2.1 core of the authorization server: lifetimes, assertion rules, sessions, users. */
export interface OAuthConfig {
  /** Authorization code lifetime (OAuth 2.1 section 4.1.2: short, at most 10 minutes). */
  readonly codeTtlSeconds: number;
  /** How long a pending authorization request (login + consent) may take. */
  readonly interactionTtlSeconds: number;
  /** Absolute lifetime of a grant's refresh tokens, counted from the authorization. */
  readonly refreshTokenTtlSeconds: number;
  /** A refresh token unused for this long expires (OAuth 2.1 section 4.3.3). */
  readonly refreshTokenIdleSeconds: number;
  /** Browser session lifetime after login. */
  readonly sessionTtlSeconds: number;
  /** Clock skew tolerated on JWT time claims. */
  readonly clockSkewSeconds: number;
  /** private_key_jwt: how far in the future `exp` may be (RFC 7523 section 3 item 4 allows a cap). */
  readonly assertionMaxLifetimeSeconds: number;
  /** Largest client assertion accepted, checked before parsing. */
  readonly assertionMaxBytes: number;
  /** Compatibility switch: also accept the token endpoint URL as assertion audience (RFC 10070 forbids it). */
  readonly acceptTokenEndpointAudience: boolean;
  /** RFC 8707: allow several `resource` values in one authorization request. */
  readonly allowMultipleResources: boolean;
  /** RFC 8252 section 7.3 any-port matching also for `localhost` redirect URIs (Claude Code, VS Code use it). */
  readonly loopbackLocalhostAnyPort: boolean;
  /** Development only: create the demo user at start. */
  readonly demoUser?: { readonly username: string; readonly password: string };
  /** Development only: cookies without the Secure attribute (http on localhost). */
  readonly insecureCookies: boolean;
}

export function readOAuthConfig(env: EnvReader): OAuthConfig {
  const demo = env.devSwitch('AS_DEMO_USER');
  return {
    codeTtlSeconds: env.seconds('AS_CODE_TTL', 60, { min: 5, max: 600 }),
    interactionTtlSeconds: env.seconds('AS_INTERACTION_TTL', 600, { min: 60, max: 3600 }),
    refreshTokenTtlSeconds: env.seconds('AS_REFRESH_TOKEN_TTL', 30 * 86400, { min: 60, max: 365 * 86400 }),
    refreshTokenIdleSeconds: env.seconds('AS_REFRESH_TOKEN_IDLE_TTL', 14 * 86400, { min: 60, max: 365 * 86400 }),
    sessionTtlSeconds: env.seconds('AS_SESSION_TTL', 12 * 3600, { min: 60, max: 30 * 86400 }),
    clockSkewSeconds: env.seconds('AS_CLOCK_SKEW', 30, { min: 0, max: 300 }),
    assertionMaxLifetimeSeconds: env.seconds('AS_ASSERTION_MAX_LIFETIME', 300, { min: 30, max: 3600 }),
    assertionMaxBytes: env.bytes('AS_ASSERTION_MAX_SIZE', 8 * 1024, { min: 1024, max: 64 * 1024 }),
    acceptTokenEndpointAudience: env.bool('AS_ACCEPT_TOKEN_ENDPOINT_AUDIENCE', false),
    allowMultipleResources: env.bool('AS_ALLOW_MULTIPLE_RESOURCES', false),
    loopbackLocalhostAnyPort: env.bool('AS_LOOPBACK_LOCALHOST_ANY_PORT', true),
    demoUser: demo
      ? { username: env.string('AS_DEMO_USERNAME', 'demo'), password: env.string('AS_DEMO_PASSWORD', 'demo-password') }
      : undefined,
    insecureCookies: env.devSwitch('AS_INSECURE_COOKIES'),
  };
}
