import type { Channel, KernelMessage } from '../../../../extension/src/notebooks/messages.js';

let seq = 0;

/** A kernel message as the Jupyter server sends it, answering `parent` (or nothing). */
export function message(channel: Channel, msgType: string, content: Record<string, unknown>, parent?: string): KernelMessage {
  seq += 1;
  return {
    channel,
    header: { msg_id: `m${seq}`, msg_type: msgType, session: 'kernel-session' },
    parent_header: parent ? { msg_id: parent, msg_type: 'execute_request', session: 'client' } : {},
    metadata: {},
    content,
  };
}
