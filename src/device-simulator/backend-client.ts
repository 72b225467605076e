/** A refusal from the client backend, with its JSON error. */
export class BackendError extends Error {
  override readonly name = 'BackendError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${status} ${error}: ${description}`);
  }
}

export interface ChallengeResponse {
  readonly challenge: string;
  readonly expires_at: string;
  readonly rp_id: string;
  readonly origin: string;
  readonly accepted_formats: readonly string[];
}

export interface InstallResponse {
  readonly install_id: string;
  readonly client_id: string;
  readonly kid: string;
  readonly assurance: string;
  readonly format: string;
  readonly platform: string;
  readonly profile_id: string;
}

/** The client backend's device API, as an app calls it. */
export class BackendClient {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown, authorization?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authorization) headers.Authorization = authorization;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const text = await response.text();
    if (!response.ok) {
      let error = { error: 'http_error', error_description: text.slice(0, 200) };
      try {
        error = JSON.parse(text) as typeof error;
      } catch {
        // not JSON: keep the text
      }
      throw new BackendError(response.status, error.error, error.error_description);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  challenge(profileId: string, platform: string): Promise<ChallengeResponse> {
    return this.call('POST', '/v1/attestation/challenges', { profile_id: profileId, platform });
  }

  register(profileId: string, platform: string, attestation: Record<string, unknown>): Promise<InstallResponse> {
    return this.call('POST', '/v1/installs', { profile_id: profileId, platform, attestation });
  }

  rotateKey(installId: string, attestation: Record<string, unknown>, deviceJwt: string): Promise<InstallResponse> {
    return this.call('POST', `/v1/installs/${installId}/keys`, { attestation }, `DeviceJWT ${deviceJwt}`);
  }

  delete(installId: string, deviceJwt: string): Promise<void> {
    return this.call('DELETE', `/v1/installs/${installId}`, undefined, `DeviceJWT ${deviceJwt}`);
  }
}
