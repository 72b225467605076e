import 'reflect-metadata';
import { runDeviceCli } from '../device-simulator/device-cli.js';
import { DEVICE_COMMANDS } from '../device-simulator/commands/registry.js';

/**
 * `npm run device -- <command>`: a native app played in software against the client backend (and,
 * with the commands other parts add to the registry, against the authorization server and MCP server).
 */
const code = await runDeviceCli(process.argv.slice(2), DEVICE_COMMANDS, process.env, {
  result: (line) => process.stdout.write(`${line}\n`),
  info: (line) => process.stderr.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
});
process.exitCode = code;
