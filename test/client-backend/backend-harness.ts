import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/common/clock/clock.js';
import type { TestDatabase } from '../support/test-database.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';
import type { Target } from '../fixtures/attestation/attestation-factory.js';

export const NO_RATE_LIMITS = JSON.stringify({ 'installs:ip': false, 'challenges:ip': false });

/** A running client backend with helpers for the device API, for tests. */
export class BackendHarness {
  private constructor(readonly system: TestSystem, readonly dataDir: string) {}

  /** `database`: share another system's database (a second replica, or the same data under another configuration). */
  static async start(env: Record<string, string> = {}, clock?: Clock, database?: TestDatabase): Promise<BackendHarness> {
    const dataDir = mkdtempSync(join(tmpdir(), 'acimd-backend-'));
    const system = await startTestSystem({ roles: ['client-backend'], env: { DATA_DIR: dataDir, RATE_LIMITS: NO_RATE_LIMITS, ...env }, clock, database });
    return new BackendHarness(system, dataDir);
  }

  get url(): string {
    return this.system.url['client-backend'];
  }

  stop(): Promise<void> {
    return this.system.stop();
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  async challenge(profileId: string, platform: string): Promise<Target> {
    const response = await this.post('/v1/attestation/challenges', { profile_id: profileId, platform });
    if (response.status !== 201) throw new Error(`challenge: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { challenge: string; rp_id: string; origin: string };
    return { ...body, audience: this.url };
  }

  register(profileId: string, platform: string, attestation: Record<string, unknown>): Promise<Response> {
    return this.post('/v1/installs', { profile_id: profileId, platform, attestation });
  }

  /** Rows that a registration writes: nothing of it may remain after a refusal. */
  async storedCounts(): Promise<{ installs: number; keys: number; audit: number }> {
    const [row] = await this.system.database.dataSource.query(
      `SELECT (SELECT count(*) FROM installs) AS installs, (SELECT count(*) FROM install_keys) AS keys, (SELECT count(*) FROM audit_log) AS audit`,
    );
    return { installs: Number(row.installs), keys: Number(row.keys), audit: Number(row.audit) };
  }

  /** The `detail` the error filter logged for the request that answered with this response. */
  loggedDetail(response: Response): unknown {
    const requestId = response.headers.get('x-request-id');
    return this.system.logs.find((entry) => entry.reqId === requestId && entry.msg === 'request refused')[0]?.detail;
  }
}
