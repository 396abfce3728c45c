import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { RouteDef } from '../protocol/index.js';
import type { AuthContext } from './context.js';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the validated parts of the request its route declares. */
export interface RouteRequest<R extends RouteDef> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  /** Non-null on every route whose `auth` is not `none` (the auth hook guarantees it). */
  auth: R['auth'] extends 'none' ? null : AuthContext;
  raw: FastifyRequest;
  reply: FastifyReply;
}

export type Handler<R extends RouteDef> = (req: RouteRequest<R>) => Promise<z.input<R['response']>> | z.input<R['response']>;

/** Registers one route of the protocol's table: validation, response schema and auth level come from its definition. */
export function register<R extends RouteDef>(app: FastifyInstance, def: R, handler: Handler<R>): void {
  app.route({
    method: def.method,
    url: def.path,
    config: { def },
    schema: {
      ...(def.params ? { params: def.params } : {}),
      ...(def.query ? { querystring: def.query } : {}),
      ...(def.body ? { body: def.body } : {}),
      response: { [def.status]: def.response },
    },
    handler: async (req, reply) => {
      const result = await handler({
        params: req.params as Out<R['params']>,
        query: req.query as Out<R['query']>,
        body: req.body as Out<R['body']>,
        auth: req.auth as RouteRequest<R>['auth'],
        raw: req,
        reply,
      });
      return reply.code(def.status).send(result);
    },
  });
}
