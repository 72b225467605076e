import type { InstallEntity } from './install.entity.js';

/** Install ids are 128-bit random values, base64url: 22 characters. */
export const INSTALL_ID = /^[A-Za-z0-9_-]{22}$/;

/** The wire form of an install, for devices and operators. */
export function installView(install: InstallEntity, clientId: string): Record<string, unknown> {
  return {
    install_id: install.id,
    client_id: clientId,
    profile_id: install.profileId,
    platform: install.platform,
    status: install.status,
    format: install.format,
    assurance: install.assurance,
    kid: install.kid,
    created_at: install.createdAt.toISOString(),
    key_rotated_at: install.keyRotatedAt?.toISOString() ?? null,
    deleted_at: install.deletedAt?.toISOString() ?? null,
    deleted_by: install.deletedBy,
  };
}
