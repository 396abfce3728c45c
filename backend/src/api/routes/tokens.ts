import type { FastifyInstance } from 'fastify';
import { routes, type TokenInfo } from '../../protocol/index.js';
import type { AuthContext } from '../context.js';
import type { AppDeps } from '../deps.js';
import { forbidden, HttpError, notFound } from '../errors.js';
import { register } from '../register.js';

const DAY_MS = 86_400_000;

/** A token is visible to its owner and to admins; to anyone else it does not exist. */
function visibleToken(auth: AuthContext, token: TokenInfo | undefined): TokenInfo {
  if (!token || (token.userId !== auth.user.id && auth.user.role !== 'admin')) throw notFound(`token`);
  return token;
}

export function tokenRoutes(app: FastifyInstance, { store, bus }: AppDeps): void {
  const publish = (token: TokenInfo, kind: 'resource.created' | 'resource.changed'): void => {
    bus.publish({ userIds: [token.userId], admins: true }, 'tokens', { kind, resource: 'token', resourceId: token.id, data: token });
  };

  register(app, routes.listTokens, ({ query, auth }) => {
    const userId = query.userId ?? auth.user.id;
    if (userId !== auth.user.id && auth.user.role !== 'admin') throw forbidden("only admins may list other users' tokens");
    return { items: store.tokens.list({ userId, includeRevoked: query.includeRevoked ?? false, limit: query.limit }) };
  });

  register(app, routes.createToken, ({ body, auth, raw }) => {
    const userId = body.userId ?? auth.user.id;
    if (userId !== auth.user.id) {
      if (auth.user.role !== 'admin') throw forbidden('only admins may create tokens for other users');
      if (!store.users.get(userId)) throw new HttpError('unprocessable', 'no such user', [{ path: 'body.userId', message: 'no user with this id' }]);
    }
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS).toISOString() : undefined;
    const created = store.tokens.create({ userId, name: body.name, expiresAt });
    raw.auditTarget = created.id;
    const { token: _secret, ...info } = created;
    publish(info, 'resource.created');
    return created;
  });

  register(app, routes.revokeToken, ({ params, auth }) => {
    visibleToken(auth, store.tokens.get(params.id));
    const revoked = store.tokens.revoke(params.id);
    if (!revoked) throw notFound('token');
    publish(revoked, 'resource.changed');
    return revoked;
  });
}
