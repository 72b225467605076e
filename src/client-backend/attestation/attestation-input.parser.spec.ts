import { ApiError } from '../../common/errors/protocol-error.js';
import { parseAttestationInput } from './attestation-input.parser.js';

const JWS = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln';
const APP_ATTEST = { type: 'apple-appattest', key_id: 'a+b/cw==', attestation_object: 'oA', client_data: 'e30', public_key: { kty: 'EC' }, proof: JWS };

describe('parseAttestationInput', () => {
  it('decodes a webauthn attestation', () => {
    expect(parseAttestationInput({ type: 'webauthn', client_data_json: 'e30', attestation_object: 'oA' })).toEqual({
      type: 'webauthn',
      clientDataJson: Buffer.from('{}'),
      attestationObject: Buffer.from([0xa0]),
    });
  });

  it('decodes an App Attest attestation, keeping the key id as sent', () => {
    expect(parseAttestationInput(APP_ATTEST)).toMatchObject({ type: 'apple-appattest', keyId: 'a+b/cw==', clientData: Buffer.from('{}'), proof: JWS });
  });

  it.each<[string, unknown, RegExp]>([
    ['null', null, /attestation must be a JSON object/],
    ['an array', [], /attestation must be a JSON object/],
    ['no type', { client_data_json: 'e30' }, /attestation.type must be webauthn or apple-appattest/],
    ['an App Attest member on webauthn', { type: 'webauthn', client_data_json: 'e30', attestation_object: 'oA', proof: JWS }, /attestation.proof is not a member/],
    ['an empty client_data_json', { type: 'webauthn', client_data_json: '', attestation_object: 'oA' }, /client_data_json must be a base64url string/],
    ['padding in base64url', { type: 'webauthn', client_data_json: 'e30=', attestation_object: 'oA' }, /client_data_json must be a base64url string/],
    ['client data over 4096 characters', { type: 'webauthn', client_data_json: 'A'.repeat(4097), attestation_object: 'oA' }, /at most 4096/],
    ['a public key that is a string', { ...APP_ATTEST, public_key: 'jwk' }, /public_key must be a JWK object/],
    ['a proof that is not a compact JWS', { ...APP_ATTEST, proof: 'not.a jws' }, /proof must be a compact JWS/],
    ['a key id with spaces', { ...APP_ATTEST, key_id: 'a b' }, /key_id must be a base64 key identifier/],
  ])('refuses %s with 400 invalid_request', (_name, input, message) => {
    let thrown: unknown;
    try {
      parseAttestationInput(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).toJSON()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(message) });
  });
});
