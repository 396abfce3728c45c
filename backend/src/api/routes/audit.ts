import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { register } from '../register.js';

export function auditRoutes(app: FastifyInstance, { store }: AppDeps): void {
  register(app, routes.listAudit, ({ query }) => ({ items: store.audit.list(query) }));
}
