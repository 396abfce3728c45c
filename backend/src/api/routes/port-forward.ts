import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { originAllowed } from '../../events/socket.js';
import { PORT_FORWARD_PATH, PORT_NOT_LISTENING, PortForwardParams } from '../../protocol/index.js';
import type { PortAddress } from '../../runtime/driver.js';
import type { Store } from '../../store/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

const AUDIT = 'environment.port_forward';
/** A port that neither accepts nor refuses in this time is unreachable (an address not routed here). */
const CONNECT_TIMEOUT_MS = 5_000;
/** Above this much unsent data towards the client, stop reading from the port until it drains. */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * The TCP connection each accepted upgrade bridges to, opened before the upgrade was accepted, and
 * the guard that destroys it if the upgrade never completes.
 */
const upstreams = new WeakMap<FastifyRequest, { socket: Socket; guard: () => void }>();

/**
 * `GET /api/v1/environments/:id/ports/:port` (WebSocket): one TCP connection to a port inside the
 * caller's running environment (a debugger's), its bytes carried in binary frames both ways.
 * The connection is opened before the upgrade, so every refusal is a plain HTTP answer: 404 for
 * another user's environment, 409 when it is not running, 409 naming `path.port` when nothing
 * listens there yet (clients retry on that one).
 */
export function portForwardRoutes(app: FastifyInstance, { environments, store }: AppDeps, options: { allowedOrigins: string[] }): void {
  if (!environments) return;
  const { service } = environments;

  app.route({
    method: 'GET',
    url: PORT_FORWARD_PATH,
    config: { audit: AUDIT },
    schema: { params: PortForwardParams },
    preValidation: async (req) => {
      if (!originAllowed(req, options.allowedOrigins)) throw new HttpError('forbidden', `origin ${req.headers.origin} is not allowed`);
      if (!req.ws) throw new HttpError('bad_request', 'this endpoint speaks WebSocket only');
    },
    preHandler: async (req) => {
      const { id, port } = req.params as { id: string; port: number };
      const record = service.own(req.auth!.user, id);
      if (record.env.state !== 'running') throw new HttpError('conflict', `the environment is ${record.env.state}, not running`);
      const address = await service.driver.portAddress(id, port);
      if (!address) throw new HttpError('conflict', 'the environment is not running');
      if (address.listening && !(await address.listening())) throw notListening(port);
      const upstream = await connectTo(address, port);
      const guard = (): void => void upstream.destroy();
      req.raw.socket.once('close', guard);
      upstreams.set(req, { socket: upstream, guard });
    },
    handler: async () => {
      throw new HttpError('bad_request', 'this endpoint speaks WebSocket only');
    },
    wsHandler: (socket, req) => {
      const entry = upstreams.get(req);
      upstreams.delete(req);
      // from here the bridge ends the connection, after what the client sent last is written
      if (entry) req.raw.socket.off('close', entry.guard);
      const upstream = entry?.socket;
      // an accepted upgrade ends the HTTP exchange without a response hook: it is audited here
      audit(store, req, 101);
      if (!upstream || upstream.destroyed) return socket.close(1011, 'the connection to the port was lost');
      bridge(socket, upstream);
    },
  });
}

/** The refusal clients retry on: 409 naming `path.port`. */
const notListening = (port: number): HttpError =>
  new HttpError('conflict', `nothing listens on port ${port} in the environment`, [{ path: PORT_NOT_LISTENING, message: 'nothing listens there (yet)' }]);

function connectTo(address: PortAddress, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port, timeout: CONNECT_TIMEOUT_MS });
    const fail = (err: NodeJS.ErrnoException): void => {
      socket.destroy();
      if (err.code === 'ECONNREFUSED') {
        reject(notListening(port));
      } else {
        reject(new HttpError('engine_error', `cannot reach port ${port} in the environment: ${err.message}`));
      }
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(Object.assign(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Bytes both ways with back-pressure; either side closing closes the other. */
function bridge(socket: WebSocket, upstream: Socket): void {
  socket.on('message', (data, isBinary) => {
    if (!isBinary) return socket.close(1003, 'binary frames only');
    // the server's binaryType is the default 'nodebuffer': every message is one Buffer
    if (!upstream.write(data as Buffer)) {
      socket.pause();
      upstream.once('drain', () => socket.resume());
    }
  });
  upstream.on('data', (chunk) => {
    socket.send(chunk, { binary: true }, () => {
      if (upstream.isPaused() && socket.bufferedAmount < HIGH_WATER_BYTES / 2) upstream.resume();
    });
    if (socket.bufferedAmount > HIGH_WATER_BYTES) upstream.pause();
  });
  upstream.on('end', () => socket.readyState === socket.OPEN && socket.close(1000, 'closed by the environment'));
  upstream.on('error', (err) => socket.readyState === socket.OPEN && socket.close(1011, err.message.slice(0, 120)));
  upstream.on('close', () => socket.readyState === socket.OPEN && socket.close(1000, 'closed by the environment'));
  socket.on('close', () => upstream.end(() => upstream.destroy()));
  socket.on('error', () => upstream.destroy());
}

function audit(store: Store, req: FastifyRequest, status: number): void {
  try {
    store.audit.append({ userId: req.auth?.user.id ?? null, action: AUDIT, target: (req.params as { id: string }).id, result: 'ok', status });
  } catch (err) {
    req.log.error({ err, action: AUDIT }, 'audit entry could not be written');
  }
}
