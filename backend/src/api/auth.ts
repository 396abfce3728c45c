import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';
import { HttpError } from './errors.js';

/** `Authorization: Bearer <token>`; anything else is treated as no credentials at all. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * onRequest hook: resolves the caller for every route that needs one and enforces the route's
 * level. Runs before the body is read, so an unauthenticated client cannot make us parse anything.
 */
export function authHook(store: Store) {
  return async (req: FastifyRequest): Promise<void> => {
    req.auth = null;
    req.auditTarget = null;
    const level = req.routeOptions.config.def?.auth ?? 'user';
    if (level === 'none') return;
    const secret = bearerToken(req);
    // The one exception to bearer-only: the Jupyter proxy of one environment accepts its browser cookie.
    const cookieAuth = !secret ? req.routeOptions.config.cookieAuth?.(req) : undefined;
    if (cookieAuth) {
      req.auth = cookieAuth;
      return;
    }
    if (!secret) throw new HttpError('unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
    const token = store.tokens.findActive(secret);
    const user = token && store.users.get(token.userId);
    if (!token || !user) throw new HttpError('unauthorized', 'invalid, expired or revoked token');
    store.tokens.touch(token);
    req.auth = { user, token };
    if (level === 'admin' && user.role !== 'admin') throw new HttpError('forbidden', 'this action needs an admin');
  };
}
