/** One rule of our attestation policy that the evidence breaks. The description is public. */
export interface PolicyViolation {
  /** Stable rule name, e.g. `security_level`, `package_name`, `app_attest_environment`. */
  readonly rule: string;
  readonly description: string;
}
