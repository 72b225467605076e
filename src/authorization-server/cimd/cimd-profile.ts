/**
 * Which revision of the CIMD rules documents are judged by. The transport and safety rules (https,
 * no redirects, 200 only, size cap, special-use addresses, no secrets or private keys in a document,
 * private_key_jwt enforced when declared) apply under both: they protect this server.
 */
export type CimdProfileName = 'mcp-2025-11-25' | 'draft-02';

export interface CimdProfile {
  readonly name: CimdProfileName;
  /** MCP 2025-11-25 (CIMD Implementation Requirements): client_name is required. */
  readonly requireClientName: boolean;
  /**
   * MCP 2025-11-25 (Communication Security): every redirect URI is https or loopback. Draft -02 leaves
   * this to OAuth 2.1 section 2.3.1, which also admits private-use schemes in reverse-domain form.
   */
  readonly allowPrivateUseRedirects: boolean;
}

export const CIMD_PROFILES: Readonly<Record<CimdProfileName, CimdProfile>> = {
  'mcp-2025-11-25': { name: 'mcp-2025-11-25', requireClientName: true, allowPrivateUseRedirects: false },
  'draft-02': { name: 'draft-02', requireClientName: false, allowPrivateUseRedirects: true },
};
