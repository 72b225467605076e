import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { openListener } from '../../src/bootstrap/listener.js';
import { startSystem } from '../../src/bootstrap/system.js';
import { SystemClock } from '../../src/common/clock/clock.js';
import { AppLogger } from '../../src/common/logging/app-logger.js';
import { loadConfig } from '../../src/config/app-config.js';
import { createPglite, openDatabase } from '../../src/persistence/database.js';

/** The baseline: the smallest NestJS JSON endpoint, on the same Express adapter. */
@Controller()
class HelloController {
  @Get('hello')
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

/**
 * The benchmark's server process: the client backend role (embedded PGlite in memory, or the scratch
 * database BENCH_SERVER_DATABASE_URL the parent created) and a bare NestJS hello app, both on loopback.
 * Prints their URLs as one JSON line, then serves until SIGTERM. Request logs are formatted as in production but not written out.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'acimd-bench-'));
const listener = await openListener({ port: 0, host: '127.0.0.1' });
const backendUrl = `http://127.0.0.1:${listener.port}`;
const config = loadConfig({
  ROLES: 'client-backend',
  LOG_LEVEL: 'info',
  DATA_DIR: dataDir,
  BACKEND_PORT: String(listener.port),
  BACKEND_PUBLIC_URL: backendUrl,
  RATE_LIMITS: JSON.stringify({ 'installs:ip': false, 'challenges:ip': false }),
});
const databaseUrl = process.env.BENCH_SERVER_DATABASE_URL;
const database = databaseUrl
  ? await openDatabase({ ...config.database, url: databaseUrl })
  : await openDatabase({ ...config.database, dataDir: '' }, { pglite: await createPglite() });
const logger = new AppLogger('info', undefined, () => undefined);
const system = await startSystem({ config, dataSource: database.dataSource, logger, clock: new SystemClock() }, { 'client-backend': listener });
const hello = await NestFactory.create(HelloModule, new ExpressAdapter(express()), { logger: false });
await hello.listen(0, '127.0.0.1');
const helloUrl = (await hello.getUrl()).replace('[::1]', '127.0.0.1');
process.stdout.write(`${JSON.stringify({ backend: backendUrl, hello: helloUrl, dataDir, database: databaseUrl ? 'postgres' : 'pglite' })}\n`);
process.on('SIGTERM', () => {
  void Promise.all([system.stop(100), hello.close()])
    .then(() => database.close())
    .finally(() => process.exit(0));
});
