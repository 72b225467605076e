export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail?: string;
  /** RFC 7591 section 3.2.2 error code this failure maps to at the registration endpoint. */
  readonly code?: 'invalid_redirect_uri' | 'invalid_client_metadata';
}

/**
 * Collects every check a client goes through, passed or failed, so a refusal names exactly what was
 * wrong (for the log and the admin dry run) and the dry run can show everything that was verified.
 */
export class ValidationReport {
  readonly checks: CheckResult[] = [];
  /** Liberal-acceptance notes: what was dropped or defaulted, logged but not fatal. */
  readonly notes: string[] = [];

  pass(check: string, detail?: string): void {
    this.checks.push({ check, status: 'passed', detail });
  }

  fail(check: string, detail: string, code: CheckResult['code'] = 'invalid_client_metadata'): void {
    this.checks.push({ check, status: 'failed', detail, code });
  }

  skip(check: string, detail: string): void {
    this.checks.push({ check, status: 'skipped', detail });
  }

  /** Records a check from a condition; returns the condition. */
  expect(condition: boolean, check: string, failure: string, code?: CheckResult['code']): boolean {
    if (condition) this.pass(check);
    else this.fail(check, failure, code);
    return condition;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  get ok(): boolean {
    return this.checks.every((check) => check.status !== 'failed');
  }

  get firstFailure(): CheckResult | undefined {
    return this.checks.find((check) => check.status === 'failed');
  }

  /** One line naming every failed check, for logs and error details. */
  summary(): string {
    return this.checks
      .filter((check) => check.status === 'failed')
      .map((check) => `${check.check}: ${check.detail}`)
      .join('; ');
  }
}
