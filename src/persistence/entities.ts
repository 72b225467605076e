import { ClientBlockEntity, ClientEntity, JwksCacheEntity } from '../authorization-server/clients/client.entity.js';
import { SigningKeyEntity } from '../authorization-server/keys/signing-key.entity.js';
import { InstallKeyEntity } from '../client-backend/installs/install-key.entity.js';
import { InstallEntity } from '../client-backend/installs/install.entity.js';
import { TicketEntity } from '../mcp-resource/tickets/ticket.entity.js';

/** Every entity of every context; each context owns its own files. */
export const ENTITIES = [SigningKeyEntity, ClientEntity, ClientBlockEntity, JwksCacheEntity, TicketEntity, InstallEntity, InstallKeyEntity];
