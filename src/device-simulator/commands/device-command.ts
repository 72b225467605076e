import type { ParseArgsConfig } from 'node:util';

/** Options every subcommand understands. */
export interface CommonOptions {
  /** The simulated app's state file (device key, install id, client_id). */
  readonly stateFile: string;
  /** Where the backend's development attestation CA lives (the backend's DATA_DIR). */
  readonly dataDir: string;
  /** The client backend's public URL. */
  readonly backendUrl: string;
}

export interface CommandOutput {
  /** The command's result, for scripts (one value per line). */
  result(line: string): void;
  /** Progress and explanations, for people. */
  info(line: string): void;
}

/** One `npm run device -- <name>` subcommand. Add new ones to DEVICE_COMMANDS in registry.ts. */
export interface DeviceCommand {
  readonly name: string;
  readonly summary: string;
  /** Options of this subcommand only (parseArgs syntax); the common ones are added by the CLI. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Lines of help for the options. */
  readonly help: readonly string[];
  run(values: Record<string, string | boolean | undefined>, common: CommonOptions, output: CommandOutput): Promise<void>;
}

/** A usage mistake: the CLI prints it with the help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
