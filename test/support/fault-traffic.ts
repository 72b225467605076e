import { percentile } from '../../bench/lib/http-load.js';
import type { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import type { DeviceKey } from './oauth-fixture.js';
import { authorize, clientAssertion, JWT_BEARER } from './oauth-client.js';
import { UserAgent } from './user-agent.js';

/** One request (or one opaque multi-request step) as the traffic driver saw it. */
export interface Sample {
  readonly kind: string;
  /** Date.now() when it was sent and when its answer was complete. */
  readonly started: number;
  readonly ended: number;
  readonly ms: number;
  /** HTTP status; 0 when the connection failed (refused, reset, timed out). */
  readonly status: number;
  /** The `error` member of a JSON error body, or the network error's code/message. */
  readonly error?: string;
  readonly retryAfter?: string;
  readonly contentType?: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function latency(samples: readonly Sample[]): Latency {
  const sorted = Float64Array.from(samples.map((sample) => sample.ms)).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : 0 };
}

/** "kind status error xCount, ..." for printing what a phase of traffic saw. */
export function statusSummary(samples: readonly Sample[]): string {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const key = [sample.kind, sample.status, sample.error?.split(':')[0]].filter((part) => part !== undefined).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} x${count}`).join(', ');
}

class UnexpectedAnswer extends Error {
  constructor(
    readonly kind: string,
    readonly status: number,
  ) {
    super(`${kind} answered ${status}`);
  }
}

/**
 * A small closed-loop traffic driver for fault tests: named workers repeat an operation until stop(),
 * every HTTP request is timed and recorded with its status and error code, and a failed operation
 * pauses its worker briefly so an outage does not turn the driver into a busy loop. Loopback only.
 */
export class FaultTraffic {
  readonly samples: Sample[] = [];
  private stopped = false;
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly requestTimeoutMs = 15_000,
    private readonly pauseAfterFailureMs = 50,
  ) {}

  /** Sends one request, reads the whole answer and records it. A connection failure yields status 0. */
  async request(kind: string, url: string, init: RequestInit = {}): Promise<Answer | undefined> {
    const host = new URL(url).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`fault traffic goes to loopback only, not ${host}`);
    const started = Date.now();
    try {
      const response = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(this.requestTimeoutMs) });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const ended = Date.now();
      this.samples.push({
        kind,
        started,
        ended,
        ms: ended - started,
        status: response.status,
        error: typeof (json as { error?: unknown })?.error === 'string' ? (json as { error: string }).error : undefined,
        retryAfter: response.headers.get('retry-after') ?? undefined,
        contentType: response.headers.get('content-type') ?? undefined,
      });
      return { status: response.status, headers: response.headers, text, json };
    } catch (error) {
      const ended = Date.now();
      const cause = (error as { cause?: { code?: string } }).cause;
      this.samples.push({ kind, started, ended, ms: ended - started, status: 0, error: cause?.code ?? (error as Error).name });
      return undefined;
    }
  }

  /** Times a step made of several requests (a whole page flow); a thrown `status` is its status. */
  async step<T>(kind: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await work();
      this.samples.push({ kind, started, ended: Date.now(), ms: Date.now() - started, status: 200 });
      return result;
    } catch (error) {
      const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 0;
      this.samples.push({ kind, started, ended: Date.now(), ms: Date.now() - started, status, error: (error as Error).message.slice(0, 120) });
      throw error;
    }
  }

  /** Starts `count` workers repeating the operation until stop(). */
  run(count: number, operation: (worker: number) => Promise<void>): void {
    for (let worker = 0; worker < count; worker += 1) {
      this.workers.push(
        (async () => {
          while (!this.stopped) {
            try {
              await operation(worker);
            } catch {
              await new Promise((resolve) => setTimeout(resolve, this.pauseAfterFailureMs));
            }
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  between(from: number, to: number, kind?: string | RegExp): Sample[] {
    return this.samples.filter(
      (sample) => sample.started >= from && sample.started < to && (kind === undefined || (typeof kind === 'string' ? sample.kind === kind : kind.test(sample.kind))),
    );
  }

  /** The first successful sample of each kind sent at or after `from`. */
  firstSuccessAfter(from: number, kind: string): Sample | undefined {
    return this.samples.filter((sample) => sample.kind === kind && sample.started >= from && sample.status >= 200 && sample.status < 300).sort((a, b) => a.ended - b.ended)[0];
  }
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Traffic a real service sees: OAuth token requests, authorization code flows, install registrations, probes. */
export class OAuthTrafficMix {
  /** Registrations that answered 201, with the challenge they consumed. */
  readonly installs: Array<{ installId: string; challenge: string }> = [];

  constructor(
    readonly traffic: FaultTraffic,
    private readonly urls: { as: string; issuer: string; backend?: string },
  ) {}

  /** client_credentials with private_key_jwt (RFC 7523): one fresh assertion per request. */
  async clientCredentials(clientId: string, key: DeviceKey): Promise<void> {
    const assertion = await clientAssertion({ clientId, audience: this.urls.issuer, key: key.privateKey, kid: key.kid });
    const answer = await this.traffic.request('token:client_credentials', `${this.urls.as}/token`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }).toString(),
    });
    if (answer?.status !== 200) throw new UnexpectedAnswer('token:client_credentials', answer?.status ?? 0);
  }

  /** The code flow through the real pages (one browser per worker keeps its session), then refreshes. */
  async codeFlow(agent: UserAgent, clientId: string, redirectUri: string, user: { username: string; password: string }, refreshes = 3): Promise<void> {
    const { code, verifier } = await this.traffic.step('authorize', () => authorize({ as: this.urls.as, clientId, redirectUri, agent, ...user }));
    let answer = await this.token('token:authorization_code', { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId });
    for (let round = 0; round < refreshes; round += 1) {
      answer = await this.token('token:refresh_token', { grant_type: 'refresh_token', refresh_token: answer.json.refresh_token, client_id: clientId });
    }
  }

  /** Challenge, attestation (signed here by the development CA the service trusts), registration. */
  async registerInstall(factory: AttestationFactory, profileId = 'ticket-desk'): Promise<void> {
    const backend = this.urls.backend!;
    const json = { 'content-type': 'application/json' };
    const issued = await this.traffic.request('install:challenge', `${backend}/v1/attestation/challenges`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ profile_id: profileId, platform: 'android' }),
    });
    if (issued?.status !== 201) throw new UnexpectedAnswer('install:challenge', issued?.status ?? 0);
    const built = await factory.androidKey({ ...issued.json, audience: backend });
    const registered = await this.traffic.request('install:register', `${backend}/v1/installs`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ profile_id: profileId, platform: 'android', attestation: built.attestation }),
    });
    if (registered?.status !== 201) throw new UnexpectedAnswer('install:register', registered?.status ?? 0);
    this.installs.push({ installId: registered.json.install_id, challenge: issued.json.challenge });
  }

  async readiness(base: string): Promise<void> {
    const answer = await this.traffic.request('readyz', `${base}/readyz`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (answer?.status !== 200) throw new UnexpectedAnswer('readyz', answer?.status ?? 0);
  }

  private async token(kind: string, fields: Record<string, string>): Promise<Answer> {
    const answer = await this.traffic.request(kind, `${this.urls.as}/token`, { method: 'POST', headers: FORM, body: new URLSearchParams(fields).toString() });
    if (answer?.status !== 200) throw new UnexpectedAnswer(kind, answer?.status ?? 0);
    return answer;
  }
}
