import { applyMetadataPolicy, mergeMetadataPolicies, parseMetadataPolicy, type MetadataPolicy } from './metadata-policy.js';

const DOCUMENT = {
  client_id: 'https://apps.example.com/c.json',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'read write',
  contacts: ['a@example.com'],
};

function apply(policy: unknown, document: Record<string, unknown> = DOCUMENT) {
  return applyMetadataPolicy(document, parseMetadataPolicy(policy));
}

describe('metadata policy (OpenID Federation 1.0 section 6.1)', () => {
  describe('operators', () => {
    it('value replaces the parameter, and null removes it', () => {
      expect(apply({ token_endpoint_auth_method: { value: 'private_key_jwt' } })).toMatchObject({
        ok: true,
        metadata: { token_endpoint_auth_method: 'private_key_jwt' },
        changed: ['token_endpoint_auth_method'],
      });
      const removed = apply({ contacts: { value: null } });
      expect(removed.ok && 'contacts' in removed.metadata).toBe(false);
    });

    it('add appends missing values, or creates the parameter', () => {
      expect(apply({ contacts: { add: ['ops@example.com', 'a@example.com'] } })).toMatchObject({ ok: true, metadata: { contacts: ['a@example.com', 'ops@example.com'] } });
      expect(apply({ default_acr_values: { add: ['x'] } })).toMatchObject({ ok: true, metadata: { default_acr_values: ['x'] } });
      // scope is a space-separated list, and add applies to it as a list (section 6.1.1)
      expect(apply({ scope: { add: ['x'] } })).toMatchObject({ ok: true, changed: ['scope'] });
    });

    it('default fills only an absent parameter', () => {
      expect(apply({ application_type: { default: 'native' } })).toMatchObject({ ok: true, metadata: { application_type: 'native' } });
      expect(apply({ token_endpoint_auth_method: { default: 'private_key_jwt' } })).toMatchObject({ ok: true, metadata: { token_endpoint_auth_method: 'none' } });
    });

    it('one_of refuses a value outside the set and ignores an absent parameter', () => {
      expect(apply({ token_endpoint_auth_method: { one_of: ['private_key_jwt'] } })).toMatchObject({ ok: false, parameter: 'token_endpoint_auth_method', reason: expect.stringContaining('one of') });
      expect(apply({ token_endpoint_auth_method: { one_of: ['none', 'private_key_jwt'] } }).ok).toBe(true);
      expect(apply({ token_endpoint_auth_signing_alg: { one_of: ['ES256'] } }).ok).toBe(true);
    });

    it('subset_of narrows an array to the intersection', () => {
      expect(apply({ grant_types: { subset_of: ['authorization_code'] } })).toMatchObject({ ok: true, metadata: { grant_types: ['authorization_code'] } });
      expect(apply({ grant_types: { subset_of: ['client_credentials'] } })).toMatchObject({ ok: true, metadata: { grant_types: [] } });
    });

    it('superset_of requires every listed value', () => {
      expect(apply({ grant_types: { superset_of: ['refresh_token'] } }).ok).toBe(true);
      expect(apply({ grant_types: { superset_of: ['refresh_token', 'client_credentials'] } })).toMatchObject({ ok: false, parameter: 'grant_types' });
    });

    it('essential requires the parameter after the other operators ran', () => {
      expect(apply({ jwks_uri: { essential: true } })).toMatchObject({ ok: false, parameter: 'jwks_uri', reason: expect.stringContaining('essential') });
      expect(apply({ jwks_uri: { essential: false } }).ok).toBe(true);
      expect(apply({ logo_uri: { default: 'https://cdn.example.com/l.png', essential: true } }).ok).toBe(true);
    });

    it('runs in the order value, add, default, one_of, subset_of, superset_of, essential', () => {
      // add before subset_of: the added value survives only if subset_of allows it (combination rule holds).
      const outcome = apply({ grant_types: { add: ['refresh_token'], subset_of: ['authorization_code', 'refresh_token'], superset_of: ['refresh_token'] } }, {
        ...DOCUMENT,
        grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      });
      expect(outcome).toMatchObject({ ok: true, metadata: { grant_types: ['authorization_code', 'refresh_token'] } });
      // value then one_of check of the forced value
      expect(apply({ token_endpoint_auth_method: { value: 'private_key_jwt', one_of: ['private_key_jwt'] } }).ok).toBe(true);
    });

    it('leaves the input untouched', () => {
      const input = structuredClone(DOCUMENT);
      apply({ contacts: { add: ['x'] }, grant_types: { subset_of: ['refresh_token'] } }, input);
      expect(input).toEqual(DOCUMENT);
    });
  });

  describe('configuration checks (operator values and combinations, section 6.1.3.1)', () => {
    it.each([
      [{ x: { unknown_op: 1 } }, 'unknown operator'],
      [{ x: { essential: 'yes' } }, 'true or false'],
      [{ x: { add: 'a' } }, 'an array'],
      [{ x: { subset_of: 'a' } }, 'an array'],
      [{ x: { value: { a: 1 } } }, 'a string, number, boolean, array or null'],
      [{ x: { one_of: ['a'], subset_of: ['a'] } }, 'one_of cannot be combined'],
      [{ x: { one_of: ['a'], add: ['a'] } }, 'one_of cannot be combined'],
      [{ x: { value: 'b', one_of: ['a'] } }, 'value must be one of one_of'],
      [{ x: { value: ['a', 'c'], subset_of: ['a', 'b'] } }, 'value must be a subset'],
      [{ x: { value: ['a'], superset_of: ['a', 'b'] } }, 'value must be a superset'],
      [{ x: { value: 'a', default: 'b' } }, 'default must equal value'],
      [{ x: { value: null, essential: true } }, 'value null cannot be essential'],
      [{ x: { add: ['c'], subset_of: ['a', 'b'] } }, 'add values must be a subset'],
      [{ x: { subset_of: ['a'], superset_of: ['a', 'b'] } }, 'superset_of must be a subset of subset_of'],
      [{ client_id: { value: 'https://evil.example/' } }, 'cannot be subject'],
      [[], 'JSON object'],
    ])('refuses %j (%s)', (policy, message) => {
      expect(() => parseMetadataPolicy(policy)).toThrow(message);
    });
  });

  describe('merging a global policy with a trust rule policy (section 6.1.4.1)', () => {
    const merge = (a: unknown, b: unknown): MetadataPolicy => mergeMetadataPolicies(parseMetadataPolicy(a), parseMetadataPolicy(b));

    it('keeps parameters from both, intersects subset_of and one_of, unites add and superset_of, ORs essential', () => {
      expect(
        merge(
          { grant_types: { subset_of: ['authorization_code', 'refresh_token'], superset_of: ['authorization_code'] }, scope: { one_of: ['a', 'b'] }, contacts: { add: ['x'] }, jwks: { essential: false } },
          { grant_types: { subset_of: ['authorization_code'] }, scope: { one_of: ['b', 'c'] }, contacts: { add: ['y'] }, jwks: { essential: true }, logo_uri: { value: null } },
        ),
      ).toEqual({
        grant_types: { subset_of: ['authorization_code'], superset_of: ['authorization_code'] },
        scope: { one_of: ['b'] },
        contacts: { add: ['x', 'y'] },
        jwks: { essential: true },
        logo_uri: { value: null },
      });
    });

    it.each([
      [{ x: { value: 'a' } }, { x: { value: 'b' } }, 'different value'],
      [{ x: { default: 'a' } }, { x: { default: 'b' } }, 'different default'],
      [{ x: { one_of: ['a'] } }, { x: { one_of: ['b'] } }, 'nothing in common'],
      [{ x: { subset_of: ['a'] } }, { x: { superset_of: ['b'] } }, 'superset_of must be a subset of subset_of'],
      [{ x: { one_of: ['a'] } }, { x: { subset_of: ['a'] } }, 'one_of cannot be combined'],
    ])('refuses conflicting policies %j + %j', (a, b, message) => {
      expect(() => merge(a, b)).toThrow(message);
    });
  });

  it('treats scope as a space-separated list for the list operators (OpenID Federation 1.0 section 6.1.1)', () => {
    const narrowed = applyMetadataPolicy({ scope: 'a b c' }, { scope: { subset_of: ['a', 'c', 'd'] } });
    expect(narrowed).toMatchObject({ ok: true, metadata: { scope: 'a c' }, changed: ['scope'] });
    expect(applyMetadataPolicy({}, { scope: { default: ['a', 'b'] } })).toMatchObject({ ok: true, metadata: { scope: 'a b' } });
    expect(applyMetadataPolicy({ scope: 'a' }, { scope: { add: ['b'] } })).toMatchObject({ ok: true, metadata: { scope: 'a b' } });
    expect(applyMetadataPolicy({ scope: 'a' }, { scope: { superset_of: ['a', 'b'] } })).toMatchObject({ ok: false, parameter: 'scope' });
  });
});
