import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { parentId, parseFrame, PROTOCOL_VERSION, type Channel, type KernelMessage } from './messages.js';
import type { JupyterTarget } from './jupyterRest.js';

/** How long the kernel may take to answer its first `kernel_info_request` on a new socket. */
const READY_TIMEOUT_MS = 60_000;
/** How often `kernel_info_request` is repeated until its answer reaches iopub. */
const NUDGE_MS = 1_000;

/**
 * One kernel's channels over one WebSocket (`api/kernels/<id>/channels`), messages validated as
 * they arrive. `open` resolves once the kernel answered `kernel_info` on shell and iopub, so an
 * execute sent afterwards cannot lose its first outputs to a not-yet-connected iopub channel.
 */
export class KernelSocket {
  private readonly messageListeners = new Set<(message: KernelMessage) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly socket: WebSocket,
    /** The client session id: in the URL and in every header we send. */
    readonly session: string,
  ) {
    socket.on('message', (data, binary) => {
      // binary frames carry buffers (widgets' comm messages); nothing here uses them
      if (binary) return;
      const message = parseFrame(data.toString());
      if (message) this.messageListeners.forEach((fn) => fn(message));
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      this.closed = true;
      this.closeListeners.forEach((fn) => fn());
    });
  }

  /** `urlFor` builds the channels URL for the client session id. */
  static async open(target: JupyterTarget, urlFor: (session: string) => string): Promise<KernelSocket> {
    const session = randomUUID();
    const ws = new WebSocket(urlFor(session), { headers: { authorization: target.authorization }, ca: target.ca });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the kernel's socket was refused (HTTP ${res.statusCode})`)));
      ws.once('error', reject);
    });
    const socket = new KernelSocket(ws, session);
    try {
      await socket.handshake();
    } catch (error) {
      socket.close();
      throw error;
    }
    return socket;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  onMessage(fn: (message: KernelMessage) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onClose(fn: () => void): () => void {
    this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  send(frame: string): void {
    if (!this.isOpen) throw new Error('the kernel connection is closed');
    this.socket.send(frame);
  }

  /** Sends a request of `msgType`; returns its id. */
  request(msgType: string, content: Record<string, unknown>, channel: Channel = 'shell'): string {
    const msgId = randomUUID();
    const header = { msg_id: msgId, msg_type: msgType, session: this.session, username: 'mlwb', date: new Date().toISOString(), version: PROTOCOL_VERSION };
    this.send(JSON.stringify({ channel, header, parent_header: {}, metadata: {}, content, buffers: [] }));
    return msgId;
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private handshake(): Promise<void> {
    return new Promise((resolve, reject) => {
      let replied = false;
      let published = false;
      // iopub may join after the kernel published the answer to our first request (ZMQ's slow
      // joiner, typically right after a restart): ask again, as Jupyter's own clients "nudge", until
      // an answer to one of the requests reaches iopub.
      const asked = new Set([this.request('kernel_info_request', {})]);
      const nudge = setInterval(() => {
        if (!published && this.isOpen) asked.add(this.request('kernel_info_request', {}));
      }, NUDGE_MS);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        clearInterval(nudge);
        offMessage();
        offClose();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`the kernel did not answer within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      const offClose = this.onClose(() => finish(new Error('the kernel connection closed before the kernel answered')));
      const offMessage = this.onMessage((message) => {
        const parent = parentId(message);
        if (parent === undefined || !asked.has(parent)) return;
        if (message.channel === 'shell') replied = true;
        if (message.channel === 'iopub') published = true;
        if (replied && published) finish();
      });
    });
  }
}
