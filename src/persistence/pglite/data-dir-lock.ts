import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Embedded PostgreSQL is single-process: a second process opening the same data directory would
 * corrupt it. The lock file names the owner; a lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new ConfigError(
          `DATA_DIR ${dir} is in use by process ${owner}; the embedded database serves one process (stop it, or set DATABASE_URL)`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new ConfigError(`DATA_DIR ${dir} could not be locked`);
}
