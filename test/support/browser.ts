import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). On a machine without it the
 * browser tests are skipped with a notice, unless REQUIRE_BROWSER is set (CI sets it).
 */
export const browserAvailable = existsSync(EXECUTABLE);
if (!browserAvailable && process.env.REQUIRE_BROWSER) {
  throw new Error(`REQUIRE_BROWSER is set but ${EXECUTABLE} does not exist (apt-get install chromium)`);
}
if (!browserAvailable) process.stderr.write(`browser tests skipped: ${EXECUTABLE} not found (apt-get install chromium)\n`);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
