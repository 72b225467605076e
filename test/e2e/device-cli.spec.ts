import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendHarness } from '../client-backend/backend-harness.js';
import { body as json } from '../support/http.js';
import { runNode } from '../support/processes.js';

/** `npm run device -- <args>` as built into dist/, bounded in time. */
function device(args: string[], env: Record<string, string> = {}) {
  return runNode('dist/src/cli/device.js', env, { args }).exited;
}

describe('device simulator command (npm run device)', () => {
  let backend: BackendHarness;
  let state: string;
  let common: string[];

  beforeAll(async () => {
    backend = await BackendHarness.start();
    state = join(mkdtempSync(join(tmpdir(), 'acimd-device-')), 'device.json');
    common = ['--state', state, '--backend', backend.url, '--data-dir', backend.dataDir];
  });

  afterAll(() => backend.stop());

  it('registers an android-key install through the development CA and prints only its client_id', async () => {
    const run = await device(['register', ...common]);
    expect(run.code).toBe(0);
    const clientId = run.stdout.trim();
    expect(clientId).toMatch(new RegExp(`^${backend.url}/[A-Za-z0-9_-]{22}/client\\.json$`));
    expect(run.stderr).toMatch(/assurance hardware/);
    expect((await fetch(clientId)).status).toBe(200);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ client_id: clientId, format: 'android-key', private_jwk: { d: expect.any(String) } });
  });

  it('refuses to overwrite a saved device without --force (exit 2)', async () => {
    const run = await device(['register', ...common]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--force/);
  });

  it('shows the install without its private key, with the document status', async () => {
    const run = await device(['show', ...common]);
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout);
    expect(shown).not.toHaveProperty('private_jwk');
    expect(shown).toMatchObject({ document_status: '200', platform: 'android', assurance: 'hardware' });
  });

  it('rotates the key and prints the new kid, which the document then publishes', async () => {
    const before = JSON.parse(readFileSync(state, 'utf8'));
    const run = await device(['rotate', ...common]);
    expect(run.code).toBe(0);
    const kid = run.stdout.trim();
    expect(kid).not.toBe(before.kid);
    const document = await json(await fetch(before.client_id));
    expect(document.jwks.keys.map((key: { kid: string }) => key.kid)).toEqual([kid]);
  });

  it('deletes the install: the document answers 410 and the state file is gone', async () => {
    const { client_id: clientId } = JSON.parse(readFileSync(state, 'utf8'));
    const run = await device(['delete', ...common]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(clientId);
    expect((await fetch(clientId)).status).toBe(410);
    expect(existsSync(state)).toBe(false);
  });

  it('registers packed (full attestation) as a Windows install', async () => {
    const run = await device(['register', '--format', 'packed', '--force', ...common]);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ platform: 'windows', format: 'packed', assurance: 'hardware' });
  });

  it('reports a backend refusal with its error code and exit 1', async () => {
    const run = await device(['register', '--force', '--package', 'com.evil.clone', ...common]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/400 attestation_policy_violation/);
  });

  it.each([
    [['teleport'], 2, /unknown command "teleport"/],
    [['register', '--format', 'sms'], 2, /--format must be one of/],
    [['register', '--unknown-flag'], 2, /Unknown option/],
    [[], 2, /usage: npm run device/],
    [['--help'], 0, /usage: npm run device/],
  ])('answers %j with exit %i and help', async (args, code, message) => {
    const run = await device(args as string[]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('explains a missing state file (exit 1)', async () => {
    const run = await device(['show', '--state', join(tmpdir(), 'no-such-device.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/run `npm run device -- register` first/);
  });
});
