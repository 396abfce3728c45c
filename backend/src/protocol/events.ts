import { z } from 'zod';
import { Timestamp } from './common.js';

/**
 * Topics name what a client follows: a resource kind (`tokens`, `users`, later `environments`, …),
 * or one object's stream (`logs:<id>`, `progress:<id>`). Wildcards are not supported: a client
 * subscribes to what it shows.
 */
export const Topic = z.string().regex(/^[a-z][a-z-]*(:[A-Za-z0-9_.-]{1,64})?$/, 'must look like "tokens" or "logs:job_ab12cd34"');
export type Topic = z.infer<typeof Topic>;

/**
 * Event ids are `<epoch>-<sequence>`: the epoch changes whenever the server restarts, so a client
 * resuming with an id from an earlier run is told to resynchronise instead of silently missing events.
 */
export const EventId = z.string().regex(/^[a-z0-9]+-\d+$/, 'must be an event id like "k3x9-42"');
export type EventId = z.infer<typeof EventId>;

const ResourceEvent = z.object({
  kind: z.enum(['resource.created', 'resource.changed', 'resource.deleted']),
  resource: z.string(),
  resourceId: z.string(),
  data: z.unknown().optional(),
});
const LogEvent = z.object({
  kind: z.literal('log'),
  stream: z.enum(['stdout', 'stderr', 'system']),
  line: z.string(),
  /**
   * Position of the line in its stored log (jobs: 1, 2, 3, …). A client resuming a job's log
   * fetches `jobLog?from=<last seq + 1>` over HTTP and drops socket lines with a seq it already has.
   */
  seq: z.number().int().positive().optional(),
});
const ProgressEvent = z.object({
  kind: z.literal('progress'),
  /** What is progressing, e.g. "build env_ab12cd34". */
  task: z.string(),
  message: z.string(),
  done: z.number().nonnegative().optional(),
  total: z.number().nonnegative().optional(),
  finished: z.boolean().default(false),
});

export const EventPayload = z.discriminatedUnion('kind', [ResourceEvent, LogEvent, ProgressEvent]);
export type EventPayload = z.input<typeof EventPayload>;

export const ServerEvent = z.object({
  id: EventId,
  topic: Topic,
  at: Timestamp,
  payload: EventPayload,
});
export type ServerEvent = z.infer<typeof ServerEvent>;

/** What a client may send over `/api/v1/events`. `ref` is echoed back in the acknowledgement. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), topics: z.array(Topic).min(1).max(100), ref: z.string().max(64).optional() }),
  z.strictObject({ type: z.literal('unsubscribe'), topics: z.array(Topic).min(1).max(100), ref: z.string().max(64).optional() }),
  z.strictObject({ type: z.literal('ping'), ref: z.string().max(64).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  /** First message after connecting: the current epoch and, when resuming, whether the gap was covered. */
  z.object({ type: z.literal('hello'), epoch: z.string(), heartbeatMs: z.number().int(), resumed: z.enum(['none', 'complete', 'reset']) }),
  z.object({ type: z.literal('event'), event: ServerEvent }),
  z.object({ type: z.literal('ack'), ref: z.string().optional(), topics: z.array(Topic) }),
  z.object({ type: z.literal('pong'), ref: z.string().optional() }),
  z.object({ type: z.literal('heartbeat'), at: Timestamp }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Query of the events socket: the topics to start with and the last event the client saw. */
export const EventsQuery = z.strictObject({
  topics: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : []))
    .pipe(z.array(Topic).max(100)),
  lastEventId: EventId.optional(),
});
export type EventsQuery = z.input<typeof EventsQuery>;
