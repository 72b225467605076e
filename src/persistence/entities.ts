import { SigningKeyEntity } from '../authorization-server/keys/signing-key.entity.js';
import { InstallKeyEntity } from '../client-backend/installs/install-key.entity.js';
import { InstallEntity } from '../client-backend/installs/install.entity.js';

/** Every entity of every context; each context owns its own files. */
export const ENTITIES = [SigningKeyEntity, InstallEntity, InstallKeyEntity];
