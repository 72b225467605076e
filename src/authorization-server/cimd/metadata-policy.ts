import { isDeepStrictEqual } from 'node:util';

/**
 * OpenID Federation 1.0 section 6.1 metadata policy, applied to client metadata: per parameter, the
 * standard operators value, add, default, one_of, subset_of, superset_of and essential. A policy is
 * checked when it is configured (operator types and allowed combinations, section 6.1.3.1), two
 * policies merge like a superior and a subordinate (section 6.1.4.1), and application runs the
 * operators in the section 6.1.4.2 order.
 */
export interface ParameterPolicy {
  readonly value?: unknown;
  readonly add?: readonly unknown[];
  readonly default?: unknown;
  readonly one_of?: readonly unknown[];
  readonly subset_of?: readonly unknown[];
  readonly superset_of?: readonly unknown[];
  readonly essential?: boolean;
}

export type MetadataPolicy = Readonly<Record<string, ParameterPolicy>>;

export const OPERATORS = ['value', 'add', 'default', 'one_of', 'subset_of', 'superset_of', 'essential'] as const;
type Operator = (typeof OPERATORS)[number];

/** Parameters a policy may never touch: the identity of the client. */
const PROTECTED = new Set(['client_id']);

export class MetadataPolicyError extends Error {
  override readonly name = 'MetadataPolicyError';
}

const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
const isScalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
const contains = (list: readonly unknown[], item: unknown) => list.some((entry) => isDeepStrictEqual(entry, item));
const isSubset = (small: readonly unknown[], big: readonly unknown[]) => small.every((item) => contains(big, item));
const intersection = (a: readonly unknown[], b: readonly unknown[]) => a.filter((item) => contains(b, item));
const union = (a: readonly unknown[], b: readonly unknown[]) => [...a, ...b.filter((item) => !contains(a, item))];

function checkOperatorValue(parameter: string, operator: Operator, value: unknown): void {
  const fail = (expected: string) => {
    throw new MetadataPolicyError(`${parameter}.${operator} must be ${expected}`);
  };
  switch (operator) {
    case 'value':
      if (value !== null && !isScalar(value) && !isArray(value)) fail('a string, number, boolean, array or null');
      break;
    case 'default':
      if (!isScalar(value) && !isArray(value)) fail('a string, number, boolean or array');
      break;
    case 'essential':
      if (typeof value !== 'boolean') fail('true or false');
      break;
    default:
      if (!isArray(value)) fail('an array');
  }
}

/** Section 6.1.3.1: which operators may sit together in one parameter policy, and on what condition. */
function checkCombination(parameter: string, policy: ParameterPolicy): void {
  const has = (operator: Operator) => operator in policy;
  const fail = (why: string) => {
    throw new MetadataPolicyError(`${parameter}: ${why}`);
  };
  if (has('one_of') && (has('add') || has('subset_of') || has('superset_of'))) {
    fail('one_of cannot be combined with add, subset_of or superset_of');
  }
  if (has('value')) {
    const value = policy.value;
    if (has('add') && !(isArray(value) && isSubset(policy.add!, value))) fail('the add values must be contained in value');
    if (has('default') && (value === null || !isDeepStrictEqual(value, policy.default))) fail('default must equal value');
    if (has('one_of') && (isArray(value) || !contains(policy.one_of!, value))) fail('value must be one of one_of');
    if (has('subset_of') && !(isArray(value) && isSubset(value, policy.subset_of!))) fail('value must be a subset of subset_of');
    if (has('superset_of') && !(isArray(value) && isSubset(policy.superset_of!, value))) fail('value must be a superset of superset_of');
    if (policy.essential === true && value === null) fail('value null cannot be essential');
  }
  if (has('add') && has('subset_of') && !isSubset(policy.add!, policy.subset_of!)) fail('the add values must be a subset of subset_of');
  if (has('subset_of') && has('superset_of') && !isSubset(policy.superset_of!, policy.subset_of!)) {
    fail('superset_of must be a subset of subset_of');
  }
}

/** Validates a configured policy; unknown operators are refused (a typo must not silently weaken it). */
export function parseMetadataPolicy(raw: unknown): MetadataPolicy {
  if (!raw || typeof raw !== 'object' || isArray(raw)) throw new MetadataPolicyError('a metadata policy must be a JSON object of parameter name to operators');
  const policy: Record<string, ParameterPolicy> = {};
  for (const [parameter, operators] of Object.entries(raw as Record<string, unknown>)) {
    if (PROTECTED.has(parameter)) throw new MetadataPolicyError(`${parameter} cannot be subject to a metadata policy`);
    if (!operators || typeof operators !== 'object' || isArray(operators)) throw new MetadataPolicyError(`${parameter} must map operator names to values`);
    for (const [operator, value] of Object.entries(operators as Record<string, unknown>)) {
      if (!(OPERATORS as readonly string[]).includes(operator)) throw new MetadataPolicyError(`${parameter}: unknown operator ${operator}`);
      checkOperatorValue(parameter, operator as Operator, value);
    }
    checkCombination(parameter, operators as ParameterPolicy);
    policy[parameter] = operators as ParameterPolicy;
  }
  return policy;
}

function mergeParameter(parameter: string, superior: ParameterPolicy, subordinate: ParameterPolicy): ParameterPolicy {
  const merged: Record<string, unknown> = { ...superior };
  const conflict = (operator: string) => {
    throw new MetadataPolicyError(`${parameter}: the two policies set different ${operator} values`);
  };
  for (const [operator, value] of Object.entries(subordinate) as Array<[Operator, unknown]>) {
    if (!(operator in superior)) {
      merged[operator] = value;
      continue;
    }
    const current = (superior as Record<string, unknown>)[operator];
    switch (operator) {
      case 'value':
      case 'default':
        if (!isDeepStrictEqual(current, value)) conflict(operator);
        break;
      case 'add':
      case 'superset_of':
        merged[operator] = union(current as unknown[], value as unknown[]);
        break;
      case 'one_of': {
        const both = intersection(current as unknown[], value as unknown[]);
        if (both.length === 0) throw new MetadataPolicyError(`${parameter}: the one_of sets of the two policies have nothing in common`);
        merged[operator] = both;
        break;
      }
      case 'subset_of':
        merged[operator] = intersection(current as unknown[], value as unknown[]);
        break;
      case 'essential':
        merged[operator] = current === true || value === true;
        break;
    }
  }
  checkCombination(parameter, merged as ParameterPolicy);
  return merged as ParameterPolicy;
}

/** Section 6.1.4.1: the superior's (global) policy merged with a subordinate's (trust rule) policy. */
export function mergeMetadataPolicies(superior: MetadataPolicy, subordinate: MetadataPolicy): MetadataPolicy {
  const merged: Record<string, ParameterPolicy> = { ...superior };
  for (const [parameter, policy] of Object.entries(subordinate)) {
    merged[parameter] = parameter in superior ? mergeParameter(parameter, superior[parameter], policy) : policy;
  }
  return merged;
}

export type PolicyOutcome =
  | { readonly ok: true; readonly metadata: Record<string, unknown>; readonly changed: readonly string[] }
  | { readonly ok: false; readonly parameter: string; readonly reason: string };

/** Section 6.1.4.2: applies each parameter's operators in the order value, add, default, one_of, subset_of, superset_of, essential. */
/**
 * OpenID Federation 1.0 section 6.1.1: `scope` (RFC 7591) is a space-separated list of strings, and the
 * list operators (add, default, subset_of, superset_of) act on it as a list; it is written back as a string.
 */
const SPACE_SEPARATED = new Set(['scope']);

export function applyMetadataPolicy(input: Readonly<Record<string, unknown>>, policy: MetadataPolicy): PolicyOutcome {
  const metadata: Record<string, unknown> = structuredClone({ ...input });
  const changed: string[] = [];
  for (const [parameter, operators] of Object.entries(policy)) {
    const before = metadata[parameter];
    const spaced = SPACE_SEPARATED.has(parameter);
    if (spaced && typeof before === 'string') metadata[parameter] = before.split(' ').filter(Boolean);
    const refuse = (reason: string): PolicyOutcome => ({ ok: false, parameter, reason });
    const present = () => metadata[parameter] !== undefined && metadata[parameter] !== null;
    if ('value' in operators) {
      if (operators.value === null) delete metadata[parameter];
      else metadata[parameter] = structuredClone(operators.value);
    }
    if (operators.add) {
      if (!present()) metadata[parameter] = [...operators.add];
      else if (!isArray(metadata[parameter])) return refuse(`is not an array, so add can't apply`);
      else metadata[parameter] = union(metadata[parameter] as unknown[], operators.add);
    }
    if ('default' in operators && !present()) metadata[parameter] = structuredClone(operators.default);
    if (operators.one_of && present()) {
      const value = metadata[parameter];
      if (isArray(value) || !contains(operators.one_of, value)) return refuse(`must be one of ${JSON.stringify(operators.one_of)}`);
    }
    if (operators.subset_of && present()) {
      if (!isArray(metadata[parameter])) return refuse('is not an array, so subset_of can\'t apply');
      metadata[parameter] = intersection(metadata[parameter] as unknown[], operators.subset_of);
    }
    if (operators.superset_of && present()) {
      if (!isArray(metadata[parameter]) || !isSubset(operators.superset_of, metadata[parameter] as unknown[])) {
        return refuse(`must include all of ${JSON.stringify(operators.superset_of)}`);
      }
    }
    if (operators.essential === true && !present()) return refuse('is required by the metadata policy (essential) but absent');
    if (spaced && Array.isArray(metadata[parameter])) metadata[parameter] = (metadata[parameter] as unknown[]).join(' ');
    if (!isDeepStrictEqual(before, metadata[parameter])) changed.push(parameter);
  }
  return { ok: true, metadata, changed };
}
