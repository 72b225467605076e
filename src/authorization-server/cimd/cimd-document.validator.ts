import type { ClientMetadata } from '../clients/client.js';
import { validateClientMetadata } from '../clients/client-metadata.validator.js';
import { ValidationReport } from '../clients/validation-report.js';
import type { CimdProfile } from './cimd-profile.js';
import { applyMetadataPolicy, type MetadataPolicy } from './metadata-policy.js';
import { checkUrlFields, decideClientId, urlFieldsOf, type TrustPolicy, type TrustRule } from './trust-policy.js';

export interface CimdDocumentContext {
  /** The client_id as the client sent it. */
  readonly clientId: string;
  /** The URL the document was fetched from. */
  readonly fetchedUrl: string;
  readonly profile: CimdProfile;
  readonly trust: TrustPolicy;
  /** Applied when no trust rule matched; a matching rule carries the global policy merged with its own. */
  readonly globalPolicy: MetadataPolicy;
  readonly allowLoopbackHttp: boolean;
  readonly allowClientCredentials?: boolean;
}

export interface CimdEvaluation {
  readonly report: ValidationReport;
  readonly metadata?: ClientMetadata;
  readonly rule?: TrustRule;
}

const SHARED_SECRET_METHODS = /^client_secret_|^tls_client_auth$/;

function parseJson(body: string, report: ValidationReport): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    report.fail('json', 'the body is not valid JSON');
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    report.fail('json', 'the body is not a JSON object');
    return undefined;
  }
  report.pass('json');
  return parsed as Record<string, unknown>;
}

/**
 * Everything a fetched document must satisfy before it becomes a client (CIMD -02 section 4 plus MCP
 * and this server's trust and metadata policy), in order, every check recorded in the report: JSON
 * object, client_id equal to the requested id and the fetched URL, no secrets, trust policy on the
 * client_id, metadata policy, trust policy on every URL field, then the shared client metadata validator.
 */
export function evaluateCimdDocument(body: string, context: CimdDocumentContext): CimdEvaluation {
  const report = new ValidationReport();
  const document = parseJson(body, report);
  if (!document) return { report };

  // CIMD -02 section 4: plain string comparison with the requested id and the fetched URL.
  report.expect(
    document.client_id === context.clientId && document.client_id === context.fetchedUrl,
    'client_id',
    typeof document.client_id === 'string'
      ? `the document's client_id "${document.client_id.slice(0, 200)}" differs from the requested "${context.clientId.slice(0, 200)}"`
      : 'the document has no client_id string',
  );
  // CIMD -02 section 4.1: no shared secret of any kind.
  const secret = ['client_secret', 'client_secret_expires_at'].find((field) => field in document);
  report.expect(!secret, 'no client secret', `the document contains ${secret}`);
  const method = document.token_endpoint_auth_method;
  report.expect(
    !(typeof method === 'string' && SHARED_SECRET_METHODS.test(method)),
    'no shared-secret auth method',
    `token_endpoint_auth_method "${String(method)}" is not allowed for a metadata document`,
  );

  const trusted = decideClientId(context.trust, context.clientId);
  report.expect(trusted.ok, 'trust policy (client_id)', trusted.ok ? '' : trusted.reason);
  const rule = trusted.ok ? trusted.rule : undefined;
  const policy = rule ? rule.metadataPolicy : context.globalPolicy;
  const outcome = applyMetadataPolicy(document, policy);
  if (!outcome.ok) {
    report.fail('metadata policy', `${outcome.parameter} ${outcome.reason}`);
    return { report, rule };
  }
  report.pass('metadata policy', outcome.changed.length > 0 ? `changed ${outcome.changed.join(', ')}` : undefined);
  // After the policy, so an operator's policy may remove or replace a field; never the document alone.
  const fields = checkUrlFields(context.trust, urlFieldsOf(outcome.metadata));
  report.expect(fields.ok, 'trust policy (URL fields)', fields.ok ? '' : fields.reason);

  const metadata = validateClientMetadata(
    outcome.metadata,
    {
      clientId: context.clientId,
      source: 'cimd',
      profile: context.profile,
      allowLoopbackHttp: context.allowLoopbackHttp,
      allowClientCredentials: context.allowClientCredentials ?? false,
    },
    report,
  );
  if (rule?.requirePrivateKeyJwt) {
    report.expect(
      outcome.metadata.token_endpoint_auth_method === 'private_key_jwt',
      'trust rule requires private_key_jwt',
      `the rule ${rule.pattern} admits only confidential clients using private_key_jwt`,
    );
  }
  return { report, metadata: report.ok ? metadata : undefined, rule };
}
