import { checkClientIdUrl, type ClientIdUrlRules } from './client-id-url.js';

const RULES: ClientIdUrlRules = { allowQuery: false, allowLoopbackHttp: false, maxLength: 2048 };

describe('client-id URL rules (CIMD -02 section 3, compared as exact strings)', () => {
  it.each([
    'https://backend.example/x/client.json',
    'https://backend.example/',
    'https://backend.example:8443/x/client.json',
    'https://sub.backend.example/a/b/c',
    'https://backend.example/x/%7Euser/client.json',
    'https://backend.example/x/client.json.',
    'https://backend.example/x/..client.json',
  ])('accepts %s', (clientId) => {
    expect(checkClientIdUrl(clientId, RULES)).toMatchObject({ ok: true });
  });

  it.each([
    ['http://backend.example/x/client.json', 'the scheme must be https'],
    ['HTTPS://backend.example/x/client.json', 'the scheme must be https'],
    ['javascript:alert(1)', 'the scheme must be https'],
    ['data:application/json,{}', 'the scheme must be https'],
    ['file:///etc/passwd', 'the scheme must be https'],
    ['ftp://backend.example/x', 'the scheme must be https'],
    ['https://user:pw@backend.example/x/client.json', 'userinfo'],
    ['https://user@backend.example/x/client.json', 'userinfo'],
    ['https://backend.example', 'a path is required'],
    ['https://backend.example?x=1', 'a path is required'],
    ['https:///x', 'the host is missing'],
    ['https://backend.example/x/client.json#frag', 'fragment'],
    ['https://backend.example/x/client.json#', 'fragment'],
    ['https://backend.example/x/client.json?v=1', 'query'],
    ['https://backend.example/x/client.json?', 'query'],
    ['https://backend.example/a/../b/client.json', '"." and ".."'],
    ['https://backend.example/a/./b/client.json', '"." and ".."'],
    ['https://backend.example/a/%2e%2e/b/client.json', '"." and ".."'],
    ['https://backend.example/a/%2E%2E/b/client.json', '"." and ".."'],
    ['https://backend.example/a/.%2e/b/client.json', '"." and ".."'],
    ['https://backend.example/a/%2e/b/client.json', '"." and ".."'],
    ['https://backend.example/a/..', '"." and ".."'],
    ['https://backend.example/a/.', '"." and ".."'],
    ['https://backend.example/a\\b/client.json', 'backslashes'],
    ['https://backend.example/a b/client.json', 'backslashes'],
    ['https://backend.example/a\tb', 'backslashes'],
    ['https://Backend.example/x/client.json', 'canonical form'],
    ['https://backend.example:443/x/client.json', 'canonical form'],
    ['https://2130706433/x/client.json', 'canonical form'],
    ['https://0x7f.1/x/client.json', 'canonical form'],
    ['https://0177.0.0.1/x/client.json', 'canonical form'],
    ['https://[::ffff:127.0.0.1]/x/client.json', 'canonical form'],
    ['https://bücher.example/x/client.json', 'canonical form'],
    ['https://backend.example/x/"client".json', 'canonical form'],
    ['https://backend.example:99999/x', 'not a valid URL'],
    [`https://backend.example/${'a'.repeat(10_000)}`, 'longer than 2048'],
  ])('refuses %s (%s)', (clientId, reason) => {
    const result = checkClientIdUrl(clientId, RULES);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it('allows a query only when configured', () => {
    expect(checkClientIdUrl('https://backend.example/x?v=1', { ...RULES, allowQuery: true })).toMatchObject({ ok: true });
  });

  it('allows http only on loopback hosts and only with the development exception', () => {
    const dev = { ...RULES, allowLoopbackHttp: true };
    for (const clientId of ['http://localhost:3100/i/client.json', 'http://127.0.0.1:3100/i/client.json', 'http://[::1]:3100/i/client.json']) {
      expect(checkClientIdUrl(clientId, dev)).toMatchObject({ ok: true });
      expect(checkClientIdUrl(clientId, RULES).ok).toBe(false);
    }
    for (const clientId of ['http://backend.example/x', 'http://localhost.evil.example/x', 'http://127.0.0.1.nip.io/x', 'http://localhost@evil.example/x']) {
      expect(checkClientIdUrl(clientId, dev).ok).toBe(false);
    }
  });
});
