import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import type { ListenerConfig } from '../config/sections/listener.js';
import type { Role } from '../config/sections/server.js';
import type { SharedServices } from '../core.module.js';
import { openListener, type Listener } from './listener.js';
import { createRoleApplication, type ExtraModules, type RoleApplication } from './role-application.js';

export interface RunningRole extends RoleApplication {
  readonly listener: Listener;
  readonly publicUrl: string;
}

export interface RunningSystem {
  readonly roles: readonly RunningRole[];
  app(role: Role): INestApplication;
  /** Graceful stop: refuse new requests, let those in flight finish (up to the grace), close the apps. */
  stop(graceMs?: number): Promise<void>;
}

export function listenerConfig(config: AppConfig, role: Role): ListenerConfig {
  switch (role) {
    case 'authorization-server':
      return config.authorizationServer.listener;
    case 'client-backend':
      return config.clientBackend.listener;
    case 'mcp-resource':
      return config.mcpResource.listener;
  }
}

/**
 * Starts each configured role on its own listener. Listeners may be opened beforehand (tests open them
 * on port 0 to learn the port before building the configuration).
 */
export async function startSystem(
  shared: SharedServices,
  listeners: Partial<Record<Role, Listener>> = {},
  extra: ExtraModules = {},
): Promise<RunningSystem> {
  const running: RunningRole[] = [];
  const opened: Listener[] = [];
  try {
    for (const role of shared.config.server.roles) {
      const listenerSettings = listenerConfig(shared.config, role);
      let listener = listeners[role];
      if (!listener) {
        listener = await openListener(listenerSettings);
        opened.push(listener);
      }
      const application = await createRoleApplication(role, shared, extra);
      listener.attach(application.handler);
      running.push({ ...application, listener, publicUrl: listenerSettings.publicUrl });
      shared.logger.info('role started', { role, publicUrl: listenerSettings.publicUrl, port: listener.port });
    }
  } catch (error) {
    await Promise.all(running.map((role) => role.app.close().catch(() => undefined)));
    await Promise.all(opened.map((listener) => new Promise((resolve) => listener.server.close(resolve))));
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = async (graceMs = shared.config.server.shutdownGraceMs): Promise<void> => {
    await Promise.all(
      running.map(async (role) => {
        const closed = new Promise<void>((resolve) => role.listener.server.close(() => resolve()));
        const drained = await role.pipeline.drain(graceMs);
        if (!drained) shared.logger.warn('shutdown grace ended with requests in flight', { role: role.role, inFlight: role.pipeline.active });
        role.listener.server.closeAllConnections();
        await closed;
        await role.app.close();
      }),
    );
  };
  return {
    roles: running,
    app(role) {
      const found = running.find((entry) => entry.role === role);
      if (!found) throw new Error(`role ${role} is not running`);
      return found.app;
    },
    stop(graceMs) {
      stopping ??= stop(graceMs);
      return stopping;
    },
  };
}
