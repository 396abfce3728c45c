import type { FastifyInstance } from 'fastify';
import { routes } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { register } from '../register.js';

export function userRoutes(app: FastifyInstance, { store, bus }: AppDeps): void {
  register(app, routes.listUsers, () => ({ items: store.users.list() }));

  register(app, routes.createUser, ({ body, raw }) => {
    if (store.users.byName(body.name)) {
      throw new HttpError('conflict', `a user named "${body.name}" already exists`, [{ path: 'body.name', message: 'already taken' }]);
    }
    const user = store.users.create(body.name, body.role);
    raw.auditTarget = user.id;
    bus.publish({ userIds: [user.id], admins: true }, 'users', { kind: 'resource.created', resource: 'user', resourceId: user.id, data: user });
    return user;
  });
}
