import { createServer, type Server, type Socket } from 'node:net';
import type WebSocket from 'ws';
import { notListening, portFrames } from '../../../backend/src/client/index.js';
import { backoffDelays, pause } from './backoff.js';

/** Opens one WebSocket-carried connection to the port inside the environment (see `openPortSocket`). */
export type OpenPortSocket = () => Promise<WebSocket>;

export interface ReadyOptions {
  /** Stops waiting (the job ended, the user gave up). */
  signal?: AbortSignal;
  /** How long to keep retrying while nothing listens; default 60 s. */
  timeoutMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * A local `127.0.0.1:<port>` whose every TCP connection is carried over its own WebSocket to a port
 * inside an environment, through the backend's port-forward route. VS Code's debugger attaches to
 * the local port as if the program ran here.
 */
export class PortTunnel {
  private readonly sockets = new Set<Socket>();
  private readonly remotes = new Set<WebSocket>();
  /** The connection `ready()` proved the port with, kept for the first local client. */
  private spare: WebSocket | undefined;

  private constructor(
    private readonly server: Server,
    private readonly openSocket: OpenPortSocket,
  ) {
    server.on('connection', (socket) => void this.accept(socket));
  }

  static async open(openSocket: OpenPortSocket): Promise<PortTunnel> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new PortTunnel(server, openSocket);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /**
   * Resolves once something listens on the remote port, retrying with back-off while the backend
   * answers "nothing listens there yet"; any other refusal, the signal or the time limit rejects.
   * The connection that succeeded is handed to the first local client, so the program never sees
   * a probe that connects and leaves (debugpy serves one client at a time).
   */
  async ready(options: ReadyOptions = {}): Promise<void> {
    const delays = backoffDelays(options.initialDelayMs ?? 100, options.maxDelayMs ?? 2_000, options.timeoutMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      options.signal?.throwIfAborted();
      try {
        const socket = await this.openSocket();
        this.spare?.close(1000);
        socket.pause(); // held unread until a local client joins it
        socket.on('error', () => undefined);
        this.spare = socket;
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (!notListening(err) || delay === undefined) throw err;
        await pause(delay, options.signal);
      }
    }
  }

  /** Stops listening and cuts every connection; safe to call twice. */
  async close(): Promise<void> {
    this.spare?.close(1000);
    this.spare = undefined;
    for (const remote of this.remotes) remote.close(1000);
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async accept(local: Socket): Promise<void> {
    this.sockets.add(local);
    local.once('close', () => this.sockets.delete(local));
    local.on('error', () => undefined);
    local.pause(); // nothing is read until there is somewhere to send it
    let remote: WebSocket;
    try {
      const spare = this.spare;
      this.spare = undefined;
      remote = spare && spare.readyState === spare.OPEN ? spare : await this.openSocket();
    } catch {
      local.destroy();
      return;
    }
    if (local.destroyed) return void remote.close(1000);
    join(local, remote);
    this.remotes.add(remote);
    remote.once('close', () => this.remotes.delete(remote));
  }
}

/** Bytes both ways; either side closing closes the other. */
function join(local: Socket, remote: WebSocket): void {
  remote.on('message', (data: Buffer) => {
    if (!local.write(data)) {
      remote.pause();
      local.once('drain', () => remote.resume());
    }
  });
  local.on('data', (chunk: Buffer) => {
    for (const frame of portFrames(chunk)) remote.send(frame, { binary: true });
  });
  remote.on('close', () => local.end());
  remote.on('error', () => local.destroy());
  local.on('close', () => remote.close(1000));
  local.resume();
  remote.resume();
}
