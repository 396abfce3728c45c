import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import WebSocket from 'ws';
import type { WebSocket as ClientSocket } from 'ws';
import { Id } from '../../protocol/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { jupyterBrowserRoutes, withoutSessionCookie } from './jupyter-browser.js';

const PREFIX = '/api/v1/environments/:id/jupyter';

/** Headers that describe the hop to us, not the request: never forwarded. */
const HOP = ['authorization', 'host', 'connection', 'upgrade', 'origin', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions'];

function envIdOf(req: FastifyRequest): string {
  const parsed = Id.safeParse((req.params as { id?: string }).id);
  if (!parsed.success) throw new HttpError('validation_failed', 'invalid path.id', [{ path: 'path.id', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
  return parsed.data;
}

/**
 * Jupyter of each environment under `/api/v1/environments/:id/jupyter/…`: the client authenticates
 * to the backend with its bearer token; the backend swaps it for the environment's own Jupyter token,
 * so the Jupyter server stays on a private address and its token never leaves the backend.
 * The Jupyter server runs with this prefix as its base URL, so paths pass through unchanged.
 */
export async function jupyterProxyRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { environments } = deps;
  if (!environments) return;
  const { service } = environments;
  // a browser opened with "Open in Jupyter (browser)" authenticates here with its cookie
  const cookieAuth = jupyterBrowserRoutes(app, deps);

  await app.register(async (scope) => {
    // pass request bodies through untouched (notebook saves, uploads), whatever their type
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    await scope.register(replyFrom, { undici: { headersTimeout: 0, bodyTimeout: 0 } });

    const forward = async (req: FastifyRequest, reply: import('fastify').FastifyReply): Promise<void> => {
      const endpoint = await service.jupyter(req.auth!.user, envIdOf(req));
      return reply.from(`${endpoint.origin}${req.url}`, {
        rewriteRequestHeaders: (_r, headers) => {
          const forwarded = { ...Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP.includes(name) && name !== 'cookie')), authorization: `token ${endpoint.token}` };
          const cookie = withoutSessionCookie(headers.cookie);
          return cookie ? { ...forwarded, cookie } : forwarded;
        },
      });
    };

    scope.route({
      method: 'GET',
      url: `${PREFIX}/*`,
      config: { cookieAuth },
      handler: forward,
      wsHandler: (socket, req) => {
        void bridgeWebSocket(socket, req, service).catch((err: Error) => {
          req.log.warn({ err }, 'jupyter websocket proxy failed');
          socket.close(1011, 'upstream unavailable');
        });
      },
    });
    // The web UI's "Quit" would end the Jupyter server, the environment's main process: stopping is ours.
    scope.route({
      method: 'POST',
      url: `${PREFIX}/api/shutdown`,
      config: { audit: 'environment.jupyter', cookieAuth },
      handler: async () => {
        throw new HttpError('forbidden', 'the Jupyter server of an environment is not shut down through Jupyter: stop the environment instead');
      },
    });
    // Writes through Jupyter (kernels started, files saved or deleted) change state: they are audited.
    scope.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: `${PREFIX}/*`, config: { audit: 'environment.jupyter', cookieAuth }, handler: forward });
    scope.route({ method: 'OPTIONS', url: `${PREFIX}/*`, config: { cookieAuth }, handler: forward });
  });
}

/** Joins the client's socket to one opened on the Jupyter server, frame for frame, text or binary. */
async function bridgeWebSocket(client: ClientSocket, req: FastifyRequest, service: NonNullable<AppDeps['environments']>['service']): Promise<void> {
  const pending: { data: WebSocket.RawData; binary: boolean }[] = [];
  const early = (data: WebSocket.RawData, binary: boolean): number => pending.push({ data, binary });
  client.on('message', early);
  const endpoint = await service.jupyter(req.auth!.user, envIdOf(req));
  const protocols = req.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim()).filter(Boolean) ?? [];
  const upstream = new WebSocket(`${endpoint.origin.replace(/^http/, 'ws')}${req.url}`, protocols, { headers: { authorization: `token ${endpoint.token}` } });
  upstream.on('open', () => {
    client.off('message', early);
    for (const m of pending) upstream.send(m.data, { binary: m.binary });
    client.on('message', (data, binary) => upstream.readyState === WebSocket.OPEN && upstream.send(data, { binary }));
  });
  upstream.on('message', (data, binary) => client.readyState === client.OPEN && client.send(data, { binary }));
  const closeCode = (code: number): number => (code === 1005 || code === 1006 ? 1000 : code);
  upstream.on('close', (code, reason) => client.readyState === client.OPEN && client.close(closeCode(code), reason));
  upstream.on('error', () => client.readyState === client.OPEN && client.close(1011, 'upstream error'));
  client.on('close', () => upstream.readyState <= WebSocket.OPEN && upstream.close());
}
