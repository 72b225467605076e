import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UsersRepository } from '../authorization-server/users/users.repository.js';
import { UserInputError, UsersService } from '../authorization-server/users/users.service.js';
import { SystemClock } from '../common/clock/clock.js';
import { AppLogger } from '../common/logging/app-logger.js';
import { loadConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { openDatabase } from '../persistence/database.js';

const USAGE = 'usage: npm run users:create -- <username> [--display-name "Full Name"]  (the password is read from stdin or prompted)';

/** Reads the password: prompted twice without echo on a terminal, or the first line of piped input. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) return line;
    return '';
  }
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
        if (text.startsWith(question)) process.stdout.write(question);
      };
      rl.question(question, (answer) => {
        rl.close();
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password: ');
  if ((await ask('Repeat password: ')) !== first) throw new UserInputError('The passwords do not match.');
  return first;
}

/** `npm run users:create -- alice`: adds a user who can sign in at the authorization server. */
try {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'display-name': { type: 'string' } } });
  if (positionals.length !== 1) throw new UserInputError(USAGE);
  const config = loadConfig(process.env);
  const password = await readPassword();
  const database = await openDatabase(config.database);
  try {
    const logger = new AppLogger('warn', 'users:create');
    const users = new UsersService(new UsersRepository(database.dataSource), new SystemClock(), { ...config.oauth, demoUser: undefined }, logger);
    const user = await users.create(positionals[0], password, values['display-name']);
    process.stdout.write(`Created user ${user.username} (${user.id}).\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  const known = error instanceof UserInputError || error instanceof ConfigError;
  process.stderr.write(`users:create failed: ${known ? (error as Error).message : `unexpected error: ${(error as Error).message}`}\n`);
  process.exit(1);
}
