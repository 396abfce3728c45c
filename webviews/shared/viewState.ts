import type { z } from 'zod';
import { describeInvalid } from './messages.js';

/** What a webview shows: waiting for the host, loading, an error, or the host's state. */
export type ViewState<S> =
  | { status: 'waiting' }
  | { status: 'loading'; title: string }
  | { status: 'error'; title: string; message: string }
  | { status: 'ready'; state: S };

type HostMessage<S> = { type: 'loading'; title: string } | { type: 'error'; title: string; message: string } | { type: 'state'; state: S };

/**
 * The next view state after a message from the host arrived. The message is validated first: one
 * that does not match the contract (a stale bundle, a host of another version) becomes an error
 * on screen, never a half-drawn view.
 */
export function nextViewState<S>(schema: z.ZodType<HostMessage<S>>, raw: unknown): ViewState<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { status: 'error', title: 'This view cannot show what the extension sent', message: describeInvalid(parsed.error) };
  }
  const message = parsed.data;
  switch (message.type) {
    case 'loading':
      return { status: 'loading', title: message.title };
    case 'error':
      return { status: 'error', title: message.title, message: message.message };
    case 'state':
      return { status: 'ready', state: message.state };
  }
}
