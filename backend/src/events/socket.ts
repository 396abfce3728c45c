import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ClientMessage, EVENTS_PATH, EventsQuery, type ServerEvent, type ServerMessage, type Topic } from '../protocol/index.js';
import type { AppDeps } from '../api/deps.js';
import { HttpError } from '../api/errors.js';
import { type EventBus, type Viewer } from './bus.js';

export interface EventSocketOptions {
  heartbeatMs: number;
  /** Origins allowed besides the server's own; clients that send no Origin (non-browsers) are allowed. */
  allowedOrigins: string[];
}

/** A client that cannot keep up is disconnected; it resumes from its last event id when it reconnects. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Browsers send Origin on WebSocket upgrades; only our own origin and configured ones may open the stream. */
export function originAllowed(req: FastifyRequest, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'client too slow; reconnect with lastEventId');
    return;
  }
  socket.send(JSON.stringify(message));
}

function describeIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'message'}: ${issue.message}` : 'invalid message';
}

function handleClientMessage(socket: WebSocket, raw: string, topics: Set<Topic>): void {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    send(socket, { type: 'error', code: 'invalid_json', message: 'message is not valid JSON' });
    return;
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    send(socket, { type: 'error', code: 'validation_failed', message: describeIssue(parsed.error) });
    return;
  }
  const message = parsed.data;
  if (message.type === 'ping') {
    send(socket, { type: 'pong', ref: message.ref });
    return;
  }
  for (const t of message.topics) {
    if (message.type === 'subscribe') topics.add(t);
    else topics.delete(t);
  }
  send(socket, { type: 'ack', ref: message.ref, topics: [...topics] });
}

function openStream(socket: WebSocket, bus: EventBus, viewer: Viewer, query: { topics: Topic[]; lastEventId?: string }, heartbeatMs: number): void {
  const topics = new Set<Topic>(query.topics);
  const replay = query.lastEventId ? bus.since(query.lastEventId, viewer, topics) : undefined;
  const resumed = !replay ? 'none' : replay.kind;
  send(socket, { type: 'hello', epoch: bus.epoch, heartbeatMs, resumed });
  if (replay?.kind === 'complete') replay.events.forEach((event) => send(socket, { type: 'event', event }));
  // Same tick as the replay: no event can fall between the two.
  const unsubscribe = bus.subscribe(viewer, topics, (event: ServerEvent) => send(socket, { type: 'event', event }));

  let alive = true;
  socket.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) {
      socket.terminate(); // no pong since the last beat: the peer is gone
      return;
    }
    alive = false;
    socket.ping();
    send(socket, { type: 'heartbeat', at: new Date().toISOString() });
  }, heartbeatMs);

  socket.on('message', (data) => handleClientMessage(socket, data.toString(), topics));
  socket.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

export function eventRoutes(app: FastifyInstance, { bus }: AppDeps, options: EventSocketOptions): void {
  app.route({
    method: 'GET',
    url: EVENTS_PATH,
    config: { def: { method: 'GET', path: EVENTS_PATH, status: 200, response: EventsQuery, auth: 'user' } },
    schema: { querystring: EventsQuery },
    preValidation: async (req) => {
      if (!originAllowed(req, options.allowedOrigins)) throw new HttpError('forbidden', `origin ${req.headers.origin} is not allowed`);
    },
    handler: async () => {
      throw new HttpError('bad_request', 'this endpoint speaks WebSocket only');
    },
    wsHandler: (socket, req) => {
      const auth = req.auth;
      if (!auth) {
        socket.close(1008, 'unauthorized');
        return;
      }
      openStream(socket, bus, auth.user, req.query as { topics: Topic[]; lastEventId?: string }, options.heartbeatMs);
    },
  });
}
