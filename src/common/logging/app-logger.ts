import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../../config/sections/server.js';
import { requestContext } from './request-context.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

function serializeError(error: unknown): LogFields {
  if (error instanceof Error) {
    return { error: { name: error.name, message: error.message, stack: error.stack } };
  }
  return { error: String(error) };
}

/**
 * Structured JSON logs, one object per line, with the request id of the request being served.
 * Also serves as Nest's logger, so framework messages share the format.
 */
export class AppLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel,
    private readonly context?: string,
    private readonly sink: LogSink = (line) => process.stdout.write(`${line}\n`),
  ) {}

  child(context: string): AppLogger {
    return new AppLogger(this.level, context, this.sink);
  }

  /** For Nest itself: its start-up chatter ("Mapped route ...") is debug detail, not information. */
  framework(context: string): LoggerService {
    const logger = this.child(context);
    return {
      log: (message: unknown, ctx?: string) => logger.debug(String(message), ctx),
      verbose: (message: unknown, ctx?: string) => logger.debug(String(message), ctx),
      debug: (message: unknown, ctx?: string) => logger.debug(String(message), ctx),
      warn: (message: unknown, ctx?: string) => logger.warn(String(message), ctx),
      error: (message: unknown, ...rest: unknown[]) => logger.error(String(message), ...rest),
      fatal: (message: unknown, ctx?: string) => logger.fatal(message, ctx),
    };
  }

  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  write(level: LogLevel, msg: string, fields?: LogFields, context = this.context, request = requestContext.getStore()): void {
    if (!this.isEnabled(level)) return;
    const entry: LogFields = { time: new Date().toISOString(), level, msg };
    if (context) entry.context = context;
    if (request) {
      entry.reqId = request.requestId;
      entry.role = request.role;
    }
    let line: string;
    try {
      line = JSON.stringify({ ...entry, ...fields });
    } catch {
      line = JSON.stringify({ ...entry, fields: '[unserializable]' });
    }
    this.sink(line);
  }

  // Nest also calls these as (message, context: string); a string second argument is a context.
  private emit(level: LogLevel, msg: unknown, fields?: LogFields | string): void {
    if (typeof fields === 'string') this.write(level, String(msg), undefined, fields);
    else this.write(level, String(msg), fields);
  }

  debug(msg: string, fields?: LogFields | string): void {
    this.emit('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields | string): void {
    this.emit('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields | string): void {
    this.emit('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields | unknown, ...rest: unknown[]): void {
    // Nest calls error(message, stack?, context?)
    if (typeof fields === 'string' || fields === undefined) {
      const context = typeof rest[0] === 'string' ? rest[0] : this.context;
      this.write('error', msg, fields ? { stack: fields } : undefined, context);
      return;
    }
    this.write('error', msg, fields instanceof Error ? serializeError(fields) : (fields as LogFields));
  }

  failure(msg: string, error: unknown, fields?: LogFields): void {
    this.write('error', msg, { ...fields, ...serializeError(error) });
  }

  // LoggerService (Nest framework messages): log(message, context?)
  log(message: unknown, context?: string): void {
    this.emit('info', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.emit('error', message, context);
  }
}
