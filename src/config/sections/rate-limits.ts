import type { EnvReader } from '../env-reader.js';

export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * Every rate limit by name, with its default. Counters are shared by all replicas (stored in the
 * database). RATE_LIMITS overrides any of them: {"token:client": {"limit": 100, "window_seconds": 60}},
 * or false to switch one off (for example behind an external limiter).
 */
export const RATE_LIMIT_DEFAULTS = {
  'login:ip': { limit: 30, windowSeconds: 300 },
  'login:account': { limit: 10, windowSeconds: 900 },
  'registration:ip': { limit: 20, windowSeconds: 3600 },
  'token:ip': { limit: 1200, windowSeconds: 60 },
  'token:client': { limit: 600, windowSeconds: 60 },
  'installs:ip': { limit: 60, windowSeconds: 3600 },
  'challenges:ip': { limit: 120, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export type RateLimitsConfig = Readonly<Record<RateLimitName, RateLimitRule | null>>;

export function readRateLimitsConfig(env: EnvReader): RateLimitsConfig {
  const overrides = env.json<Record<string, unknown>>('RATE_LIMITS', {});
  const expected = `a JSON object of rule name (${Object.keys(RATE_LIMIT_DEFAULTS).join(', ')}) to {"limit", "window_seconds"} or false`;
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) env.fail('RATE_LIMITS', expected, overrides);
  const rules: Record<string, RateLimitRule | null> = { ...RATE_LIMIT_DEFAULTS };
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in RATE_LIMIT_DEFAULTS)) env.fail('RATE_LIMITS', expected, name);
    if (value === false) {
      rules[name] = null;
      continue;
    }
    const rule = value as { limit?: unknown; window_seconds?: unknown };
    const ok =
      Number.isSafeInteger(rule?.limit) && (rule.limit as number) > 0 &&
      Number.isSafeInteger(rule?.window_seconds) && (rule.window_seconds as number) > 0 && (rule.window_seconds as number) <= 86400;
    if (!ok) env.fail('RATE_LIMITS', expected, value);
    rules[name] = { limit: rule.limit as number, windowSeconds: rule.window_seconds as number };
  }
  return rules as RateLimitsConfig;
}
