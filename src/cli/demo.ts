import 'reflect-metadata';
import { runDemo } from '../demo/demo.js';

/**
 * `npm run demo` (with `npm start` running): the confidential per-install flow end to end. Settings come
 * from the same environment variables as the server: MCP_RESOURCE, BACKEND_PUBLIC_URL, DATA_DIR, plus
 * DEMO_BACKEND_ADMIN_TOKEN (default: the development token) and DEMO_REVOCATION_TIMEOUT (seconds).
 */
const env = process.env;
let step = 0;
try {
  await runDemo(
    {
      mcpUrl: env.MCP_RESOURCE ?? `${env.MCP_PUBLIC_URL ?? 'http://localhost:3200'}/mcp`,
      backendUrl: env.BACKEND_PUBLIC_URL ?? 'http://localhost:3100',
      dataDir: env.DATA_DIR ?? './data',
      backendAdminToken: env.DEMO_BACKEND_ADMIN_TOKEN ?? 'dev-backend-admin-token',
      username: env.AS_DEMO_USERNAME ?? 'demo',
      password: env.AS_DEMO_PASSWORD ?? 'demo-password',
      revocationTimeoutMs: Number(env.DEMO_REVOCATION_TIMEOUT ?? 120) * 1000,
    },
    (name, line) => {
      step += 1;
      process.stdout.write(`${String(step).padStart(2)}. ${name.padEnd(9)} ${line}\n`);
    },
  );
  process.stdout.write('demo complete\n');
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const unreachable = error instanceof TypeError && message === 'fetch failed';
  process.stderr.write(`demo failed: ${unreachable ? `${message} (is \`npm start\` running?)` : message}\n`);
  process.exitCode = 1;
}
