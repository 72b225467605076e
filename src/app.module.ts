import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AuthorizationServerModule } from './authorization-server/authorization-server.module.js';
import { ClientBackendModule } from './client-backend/client-backend.module.js';
import type { Role } from './config/sections/server.js';
import { CoreModule, type SharedServices } from './core.module.js';
import { McpResourceModule } from './mcp-resource/mcp-resource.module.js';

const ROLE_MODULES: Record<Role, Type> = {
  'authorization-server': AuthorizationServerModule,
  'client-backend': ClientBackendModule,
  'mcp-resource': McpResourceModule,
};

/** One role's application: the shared core plus that role's module. */
@Module({})
export class AppModule {
  static forRole(role: Role, shared: SharedServices, extra: readonly (Type | DynamicModule)[] = []): DynamicModule {
    return { module: AppModule, imports: [CoreModule.forRole(role, shared), ROLE_MODULES[role], ...extra] };
  }
}
