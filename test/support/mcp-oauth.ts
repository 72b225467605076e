import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { completeAuthorization } from './oauth-client.js';
import { UserAgent } from './user-agent.js';

export interface TestProviderOptions {
  readonly redirectUrl: string;
  readonly clientMetadata: OAuthClientMetadata;
  /** CIMD: the client_id URL (the SDK uses it when the AS advertises client_id_metadata_document_supported). */
  readonly clientMetadataUrl?: string;
  /** A client_id the app already has (pre-registered, or an install's client_id from its backend). */
  readonly clientInformation?: OAuthClientInformationMixed;
  readonly addClientAuthentication?: OAuthClientProvider['addClientAuthentication'];
}

/**
 * An MCP SDK OAuth client provider for tests: it keeps everything in memory and, instead of opening a
 * browser, records the authorization URL so the test can play the user on the real pages.
 */
export class TestOAuthProvider implements OAuthClientProvider {
  authorizationUrl?: URL;
  private information?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier = '';
  readonly clientMetadataUrl?: string;
  readonly addClientAuthentication?: OAuthClientProvider['addClientAuthentication'];

  constructor(private readonly options: TestProviderOptions) {
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.information = options.clientInformation;
    this.addClientAuthentication = options.addClientAuthentication;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return this.options.clientMetadata;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  /** The app drops its tokens (for example to authorize again with more scope). */
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'tokens' || scope === 'all') this.saved = undefined;
    if (scope === 'client' || scope === 'all') this.information = undefined;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

/**
 * What an MCP client app does on first use: connect, get 401, let the SDK discover the AS and start the
 * authorization; the user signs in and consents on the real pages; the app finishes with the code and
 * connects again, now with a token.
 */
export async function connectWithOAuth(
  mcpUrl: string,
  provider: TestOAuthProvider,
  credentials: { username: string; password: string },
): Promise<{ client: Client; callback: URL; consentPage?: string }> {
  const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const probe = new Client({ name: 'attested-cimd-e2e', version: '1.0.0' });
  await probe.connect(first).then(
    () => {
      throw new Error('connected without authorization');
    },
    (error: unknown) => {
      if (!(error instanceof UnauthorizedError)) throw error;
    },
  );
  if (!provider.authorizationUrl) throw new Error('the SDK did not start an authorization');
  const { callback, consentPage } = await completeAuthorization(new UserAgent(), provider.authorizationUrl.href, credentials);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  await first.finishAuth(code);
  const client = new Client({ name: 'attested-cimd-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  return { client, callback, consentPage };
}
