import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { SecureContextOptions } from 'node:tls';
import { eventRoutes } from '../events/socket.js';
import './context.js';
import { auditHook } from './audit.js';
import { authHook } from './auth.js';
import type { AppDeps } from './deps.js';
import { errorBody, handleError } from './errors.js';
import { auditRoutes } from './routes/audit.js';
import { datasetByteRoutes } from './routes/dataset-bytes.js';
import { datasetRoutes } from './routes/datasets.js';
import { environmentRoutes } from './routes/environments.js';
import { jobRoutes } from './routes/jobs.js';
import { jupyterProxyRoutes } from './routes/jupyter-proxy.js';
import { portForwardRoutes } from './routes/port-forward.js';
import { statusRoutes } from './routes/status.js';
import { syncRoutes } from './routes/sync.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Largest JSON body accepted, in bytes (413 above it). */
  bodyLimit?: number;
  heartbeatMs?: number;
  allowedOrigins?: string[];
  /** Serve HTTPS/WSS with this key pair. */
  https?: Pick<SecureContextOptions, 'key' | 'cert'>;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the whole HTTP/WebSocket application in layers (hooks, then routes) without listening,
 * so tests can `inject()` requests and the process wiring decides where it listens.
 */
export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Give in-flight requests time to finish on close, then cut idle keep-alive sockets.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  app.decorateRequest('auth', null);
  app.decorateRequest('auditTarget', null);
  app.addHook('onRequest', authHook(deps.store));
  app.addHook('onResponse', auditHook(deps.store));

  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
    // Tell subscribers the server is going away (1001) so they reconnect with their last event id.
    preClose(done) {
      for (const client of app.websocketServer.clients) client.close(1001, 'server shutting down');
      app.websocketServer.close(() => done());
    },
  });
  statusRoutes(app, deps);
  userRoutes(app, deps);
  tokenRoutes(app, deps);
  auditRoutes(app, deps);
  datasetRoutes(app, deps);
  await datasetByteRoutes(app, deps);
  environmentRoutes(app, deps);
  jobRoutes(app, deps);
  await jupyterProxyRoutes(app, deps);
  await syncRoutes(app, deps);
  portForwardRoutes(app, deps, { allowedOrigins: options.allowedOrigins ?? [] });
  eventRoutes(app, deps, { heartbeatMs: options.heartbeatMs ?? 15_000, allowedOrigins: options.allowedOrigins ?? [] });
  return app;
}
