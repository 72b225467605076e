import type { AppProfile } from '../../config/sections/app-profiles.js';
import type { DevicePublicJwk } from '../attestation/device-key.js';
import { ifNoneMatchMatches } from './entity-tag.js';
import { renderMetadataDocument } from './metadata-document.js';

const PROFILE: AppProfile = {
  id: 'notes',
  clientName: 'Notes',
  clientUri: 'https://notes.example.com',
  redirectUris: ['https://notes.example.com/cb'],
  grantTypes: ['authorization_code'],
  applicationType: 'native',
  platforms: {},
};
const KEY = { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), kid: 'k'.repeat(43), alg: 'ES256', use: 'sig' } as DevicePublicJwk;

describe('renderMetadataDocument', () => {
  it('derives the CIMD document from the profile and the device key, and nothing else', () => {
    const document = renderMetadataDocument(PROFILE, 'https://apps.example.com/id/client.json', { ...KEY, d: 'secret' } as DevicePublicJwk);
    expect(document).toEqual({
      client_id: 'https://apps.example.com/id/client.json',
      client_name: 'Notes',
      client_uri: 'https://notes.example.com',
      redirect_uris: ['https://notes.example.com/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      application_type: 'native',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: KEY.x, y: KEY.y, kid: KEY.kid, alg: 'ES256', use: 'sig' }] },
    });
  });

  it('stays far below the 5 KB CIMD reading limit even with every optional member', () => {
    const full = { ...PROFILE, logoUri: 'https://notes.example.com/logo.png', scope: 'a b c', softwareId: 's', softwareVersion: '1.0', redirectUris: Array.from({ length: 5 }, (_, i) => `https://notes.example.com/cb${i}`) };
    expect(Buffer.byteLength(JSON.stringify(renderMetadataDocument(full, `https://apps.example.com/${'A'.repeat(22)}/client.json`, KEY)))).toBeLessThan(2048);
  });
});

describe('ifNoneMatchMatches (RFC 9110 section 13.1.2, weak comparison)', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
    ['abc', false],
  ])('%j -> %s', (header, expected) => {
    expect(ifNoneMatchMatches(header, '"abc"')).toBe(expected);
  });
});
