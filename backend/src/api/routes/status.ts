import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { register } from '../register.js';

export function statusRoutes(app: FastifyInstance, { info }: AppDeps): void {
  register(app, routes.health, () => ({ status: 'ok' as const, version: info.version, startedAt: info.startedAt }));

  register(app, routes.me, ({ auth }) => ({
    user: auth.user,
    tokenId: auth.token.id,
    server: { version: info.version, driver: info.driver, tls: info.tls, startedAt: info.startedAt },
  }));
}
