import { Column, Entity, PrimaryColumn } from 'typeorm';

export type TicketStatus = 'open' | 'closed';

/** A ticket of the demo ticket desk, owned by one user (the access token's `sub`). */
@Entity({ name: 'mcp_tickets' })
export class TicketEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'owner_sub', type: 'text' })
  ownerSub: string;

  /** The OAuth client that created the ticket (the token's client_id). */
  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  status: TicketStatus;

  @Column({ type: 'text', nullable: true })
  resolution: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
