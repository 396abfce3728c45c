import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

/**
 * Tracks open sockets and how many requests each is serving, so shutdown can close idle ones at
 * once (keep-alive sockets, refused WebSocket upgrades) while letting in-flight requests finish,
 * and cut whatever is left after a grace period. Node's own `closeIdleConnections` does not see
 * sockets that went through an upgrade attempt, which would otherwise hold `close()` open forever.
 */
export function trackConnections(app: FastifyInstance): { drain(graceMs: number): void } {
  const inflight = new Map<Socket, number>();
  let draining = false;

  const onSocket = (socket: Socket): void => {
    inflight.set(socket, 0);
    socket.once('close', () => inflight.delete(socket));
  };
  app.server.on(app.initialConfig.https ? 'secureConnection' : 'connection', onSocket);

  app.addHook('onRequest', async (req) => {
    const socket = req.raw.socket;
    // An upgraded socket belongs to the websocket plugin, which closes it with a close frame on shutdown.
    if (req.headers.upgrade) inflight.delete(socket);
    else inflight.set(socket, (inflight.get(socket) ?? 0) + 1);
  });
  app.addHook('onResponse', async (req, reply) => {
    const socket = req.raw.socket;
    if (req.headers.upgrade) {
      // A refused upgrade leaves a socket no client will reuse for HTTP: close it now.
      if (reply.statusCode !== 101) socket.destroySoon();
      return;
    }
    const left = (inflight.get(socket) ?? 1) - 1;
    inflight.set(socket, left);
    if (draining && left === 0) socket.destroySoon();
  });

  return {
    drain(graceMs: number): void {
      draining = true;
      for (const [socket, count] of inflight) if (count === 0) socket.destroySoon();
      setTimeout(() => inflight.forEach((_, socket) => socket.destroy()), graceMs).unref();
    },
  };
}
