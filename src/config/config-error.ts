/** A configuration problem. Its message is the single line printed before the process exits with code 1. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
