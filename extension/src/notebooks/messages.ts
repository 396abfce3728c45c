import { z } from 'zod';

/**
 * The Jupyter messaging protocol (v5.3) as the Jupyter server's `api/kernels/<id>/channels`
 * WebSocket carries it: one JSON text frame per message, the channel named in `channel`.
 * https://jupyter-client.readthedocs.io/en/stable/messaging.html
 */
export const PROTOCOL_VERSION = '5.3';

export const Channel = z.enum(['shell', 'iopub', 'stdin', 'control']);
export type Channel = z.infer<typeof Channel>;

export const Header = z.object({
  msg_id: z.string(),
  msg_type: z.string(),
  session: z.string(),
  username: z.string().optional(),
  date: z.string().optional(),
  version: z.string().optional(),
});
export type Header = z.infer<typeof Header>;

/** A message as it arrives: its content is checked only once its type is known (`contentOf`). */
export const KernelMessage = z.object({
  channel: Channel,
  header: Header,
  // an empty object when the message answers nothing (e.g. the kernel's own status at start-up)
  parent_header: z.union([Header, z.object({}).strict()]),
  metadata: z.record(z.string(), z.unknown()).default({}),
  content: z.record(z.string(), z.unknown()),
});
export type KernelMessage = z.infer<typeof KernelMessage>;

/** A MIME bundle: `text/plain` and friends are strings (or lists of lines), JSON types any value. */
export const MimeBundle = z.record(z.string(), z.unknown());
export type MimeBundle = z.infer<typeof MimeBundle>;

const Contents = {
  stream: z.object({ name: z.enum(['stdout', 'stderr']), text: z.string() }),
  execute_result: z.object({ execution_count: z.number().int().nullable().optional(), data: MimeBundle, metadata: z.record(z.string(), z.unknown()).default({}) }),
  display_data: z.object({
    data: MimeBundle,
    metadata: z.record(z.string(), z.unknown()).default({}),
    transient: z.object({ display_id: z.string().optional() }).passthrough().optional(),
  }),
  update_display_data: z.object({
    data: MimeBundle,
    metadata: z.record(z.string(), z.unknown()).default({}),
    transient: z.object({ display_id: z.string() }).passthrough(),
  }),
  error: z.object({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) }),
  execute_reply: z.object({
    status: z.enum(['ok', 'error', 'aborted']),
    execution_count: z.number().int().nullable().optional(),
    ename: z.string().optional(),
    evalue: z.string().optional(),
    traceback: z.array(z.string()).optional(),
  }),
  status: z.object({ execution_state: z.enum(['busy', 'idle', 'starting', 'restarting', 'dead', 'autorestarting']) }),
  clear_output: z.object({ wait: z.boolean().default(false) }),
} as const;

export type ContentType = keyof typeof Contents;
export type ContentOf<T extends ContentType> = z.infer<(typeof Contents)[T]>;

/** The message's content if it is of type `type` and well formed; undefined otherwise. */
export function contentOf<T extends ContentType>(message: KernelMessage, type: T): ContentOf<T> | undefined {
  if (message.header.msg_type !== type) return undefined;
  const parsed = Contents[type].safeParse(message.content);
  return parsed.success ? (parsed.data as ContentOf<T>) : undefined;
}

/** Parses one text frame; undefined for anything that is not a well-formed message (dropped, never half-applied). */
export function parseFrame(frame: string): KernelMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return undefined;
  }
  const parsed = KernelMessage.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The id of the request a message answers, if it answers one. */
export function parentId(message: KernelMessage): string | undefined {
  return 'msg_id' in message.parent_header ? message.parent_header.msg_id : undefined;
}

/** The content of an `execute_request` for one cell; a failing cell aborts nothing queued on the kernel (we send one at a time). */
export function executeContent(code: string): Record<string, unknown> {
  return { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false };
}
