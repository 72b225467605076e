import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TicketCursor } from './ticket-cursor.js';
import { TicketEntity, type TicketStatus } from './ticket.entity.js';

export interface TicketPage {
  readonly tickets: readonly TicketEntity[];
  /** Set when more tickets follow the last one of this page. */
  readonly next?: TicketCursor;
}

export interface NewTicket {
  readonly ownerSub: string;
  readonly clientId: string;
  readonly title: string;
  readonly body: string;
  readonly now: Date;
  /** The most tickets the owner may have; the insert is refused beyond it. */
  readonly limit: number;
}

export type CloseResult = { readonly closed: TicketEntity } | { readonly refused: 'not_found' | 'already_closed' };

/** Tickets, always scoped to their owner: no query can reach another user's ticket. */
@Injectable()
export class TicketsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get tickets() {
    return this.dataSource.getRepository(TicketEntity);
  }

  async list(ownerSub: string, options: { status?: TicketStatus; limit: number; after?: TicketCursor }): Promise<TicketPage> {
    const query = this.tickets
      .createQueryBuilder('ticket')
      .where('ticket.owner_sub = :ownerSub', { ownerSub })
      .orderBy('ticket.created_at', 'DESC')
      .addOrderBy('ticket.id', 'DESC')
      .limit(options.limit + 1);
    if (options.status) query.andWhere('ticket.status = :status', { status: options.status });
    if (options.after) {
      query.andWhere('(ticket.created_at, ticket.id) < (:afterCreatedAt, :afterId)', {
        afterCreatedAt: options.after.createdAt,
        afterId: options.after.id,
      });
    }
    const rows = await query.getMany();
    const tickets = rows.slice(0, options.limit);
    const last = tickets[tickets.length - 1];
    return { tickets, next: rows.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  find(ownerSub: string, id: string): Promise<TicketEntity | null> {
    return this.tickets.findOneBy({ ownerSub, id });
  }

  /** Inserts the ticket unless the owner already has `limit` tickets (counted under a per-owner lock). */
  async create(ticket: NewTicket): Promise<TicketEntity | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mcp_tickets:${ticket.ownerSub}`]);
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO mcp_tickets (id, owner_sub, client_id, title, body, status, created_at, updated_at)
         SELECT $1, $2, $3, $4, $5, 'open', $6, $6
         WHERE (SELECT count(*) FROM mcp_tickets WHERE owner_sub = $2) < $7
         RETURNING id`,
        [randomUUID(), ticket.ownerSub, ticket.clientId, ticket.title, ticket.body, ticket.now, ticket.limit],
      );
      if (rows.length === 0) return undefined;
      return (await manager.getRepository(TicketEntity).findOneBy({ id: rows[0].id })) ?? undefined;
    });
  }

  /** Closes an open ticket of the owner in one conditional update. */
  async close(ownerSub: string, id: string, resolution: string | null, now: Date): Promise<CloseResult> {
    const result = await this.tickets
      .createQueryBuilder()
      .update(TicketEntity)
      .set({ status: 'closed', resolution, closedAt: now, updatedAt: now })
      .where('id = :id AND owner_sub = :ownerSub AND status = :open', { id, ownerSub, open: 'open' })
      .returning(['id'])
      .execute();
    const closed = (result.raw as Record<string, unknown>[])[0];
    if (closed) return { closed: (await this.find(ownerSub, id))! };
    return { refused: (await this.find(ownerSub, id)) ? 'already_closed' : 'not_found' };
  }
}
