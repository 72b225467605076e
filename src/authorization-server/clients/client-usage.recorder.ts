import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { ClientsRepository } from './clients.repository.js';

/** "last used" is provenance, not accounting: recorded at most once a minute per client, off the request path. */
export const LAST_USED_INTERVAL_MS = 60_000;

@Injectable()
export class ClientUsageRecorder {
  private readonly lastWritten = new Map<string, number>();
  private readonly logger: AppLogger;

  constructor(
    private readonly repository: ClientsRepository,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('ClientUsage');
  }

  record(clientId: string): void {
    const now = this.clock.nowMs();
    if (now - (this.lastWritten.get(clientId) ?? Number.NEGATIVE_INFINITY) < LAST_USED_INTERVAL_MS) return;
    this.lastWritten.set(clientId, now);
    if (this.lastWritten.size > 50_000) this.lastWritten.clear();
    // The conditional UPDATE also keeps replicas from writing more than once a minute between them.
    this.repository.touch(clientId, new Date(now), LAST_USED_INTERVAL_MS).catch((error: unknown) => {
      this.logger.debug('could not record client use', { clientId, detail: (error as Error).message });
    });
  }
}
