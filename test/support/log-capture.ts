import { AppLogger, type LogFields } from '../../src/common/logging/app-logger.js';
import type { LogLevel } from '../../src/config/sections/server.js';

/** A logger that keeps every line in memory (and prints them when TEST_LOGS=1). */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: AppLogger;

  constructor(level: LogLevel = 'debug') {
    const print = process.env.TEST_LOGS === '1';
    this.logger = new AppLogger(level, undefined, (line) => {
      this.lines.push(line);
      if (this.lines.length > 20_000) this.lines.splice(0, 10_000);
      if (print) process.stdout.write(`${line}\n`);
    });
  }

  entries(): LogFields[] {
    return this.lines.map((line) => JSON.parse(line) as LogFields);
  }

  find(predicate: (entry: LogFields) => boolean): LogFields[] {
    return this.entries().filter(predicate);
  }

  clear(): void {
    this.lines.length = 0;
  }
}
