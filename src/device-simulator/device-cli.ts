import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { BackendError } from './backend-client.js';
import { TokenError, AuthorizationResponseError } from './oauth/app-authorization.js';
import { DiscoveryError } from './oauth/discovery.js';
import { McpCallError } from './mcp/call-tool.js';
import { AuthorizationRefused } from './oauth/headless-browser.js';
import { UsageError, type CommandOutput, type DeviceCommand } from './commands/device-command.js';
import { DEFAULT_STATE_FILE, StateFileError } from './state-file.js';

const COMMON_OPTIONS = {
  state: { type: 'string' },
  'data-dir': { type: 'string' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(commands: readonly DeviceCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'usage: npm run device -- <command> [options]',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'common options:',
    `  --state <file>      the simulated app's state file (default ${DEFAULT_STATE_FILE})`,
    '  --backend <url>     the client backend (default $BACKEND_PUBLIC_URL or http://localhost:3100)',
    "  --data-dir <dir>    the backend's data directory holding its development CA (default $DATA_DIR or ./data)",
    '',
    'Run `npm run device -- <command> --help` for the options of one command.',
  ].join('\n');
}

/**
 * Runs one subcommand; returns the exit code (0 done, 1 refused or failed, 2 usage). Results go to
 * `output.result` (stdout), explanations to `output.info` (stderr).
 */
export async function runDeviceCli(
  argv: readonly string[],
  commands: readonly DeviceCommand[],
  environment: Record<string, string | undefined>,
  output: CommandOutput & { error(line: string): void },
): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    const askedForHelp = name === '--help' || name === '-h';
    output.error(name && !askedForHelp ? `unknown command "${name}"\n\n${usage(commands)}` : usage(commands));
    return askedForHelp ? 0 : 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...rest], options: { ...COMMON_OPTIONS, ...command.options }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    output.error(`${(error as Error).message}\n\nnpm run device -- ${command.name} --help`);
    return 2;
  }
  if (values.help) {
    output.error([`usage: npm run device -- ${command.name} [options]`, `  ${command.summary}`, '', ...command.help.map((line) => `  ${line}`)].join('\n'));
    return 0;
  }
  const common = {
    stateFile: (values.state as string | undefined) ?? DEFAULT_STATE_FILE,
    dataDir: (values['data-dir'] as string | undefined) ?? environment.DATA_DIR ?? './data',
    backendUrl: ((values.backend as string | undefined) ?? environment.BACKEND_PUBLIC_URL ?? 'http://localhost:3100').replace(/\/+$/, ''),
  };
  try {
    await command.run(values, common, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.error(error.message);
      return 2;
    }
    const known = [BackendError, StateFileError, TokenError, AuthorizationResponseError, DiscoveryError, AuthorizationRefused, McpCallError].some((type) => error instanceof type);
    output.error(`device ${command.name} failed: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
    return 1;
  }
}
