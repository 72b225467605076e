import { createHash } from 'node:crypto';

/** The bundled demo app ("ticket desk"): the identity the device simulator claims, and its profile. */
export const DEMO_PROFILE_ID = 'ticket-desk';
export const DEMO_ANDROID_PACKAGE = 'com.example.ticketdesk';
/** SHA-256 of the demo app's (imaginary) signing certificate, as Android Keystore would report it. */
export const DEMO_SIGNING_CERT_DIGEST = createHash('sha256').update('attested-cimd demo app signing certificate').digest('hex');
export const DEMO_IOS_APP_ID = 'DEMOTEAM01.com.example.ticketdesk';

/** The default BACKEND_APP_PROFILES in development mode (wire form). */
export const DEMO_APP_PROFILES = [
  {
    id: DEMO_PROFILE_ID,
    client_name: 'Ticket Desk',
    // RFC 8252 section 7.3: the AS accepts any port on a loopback IP redirect.
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'mcp:tickets:read mcp:tickets:write',
    application_type: 'native',
    platforms: {
      android: {
        formats: ['android-key'],
        package_names: [DEMO_ANDROID_PACKAGE],
        signing_cert_digests: [DEMO_SIGNING_CERT_DIGEST],
        min_security_level: 'TrustedEnvironment',
      },
      ios: { formats: ['apple-appattest'], app_ids: [DEMO_IOS_APP_ID], allow_development_environment: true },
      windows: { formats: ['packed', 'packed-self', 'tpm'] },
    },
  },
];
