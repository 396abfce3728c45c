import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { ApiError, portFrames } from '../../../../backend/src/client/index.js';
import { PORT_FRAME_BYTES } from '../../../../backend/src/protocol/index.js';
import { backoffDelays } from '../../../../extension/src/debug/backoff.js';
import { PortTunnel } from '../../../../extension/src/debug/tunnel.js';

const notListening = (): ApiError => new ApiError(409, 'conflict', 'nothing listens on port 5678', [{ path: 'path.port', message: 'nothing listens there (yet)' }]);

describe('backoffDelays', () => {
  it('doubles up to the cap and stops before the total is passed', () => {
    expect(backoffDelays(100, 1000, 5000)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(backoffDelays(100, 1000, 50)).toEqual([]);
  });
});

describe('portFrames', () => {
  it('splits bytes into frames no larger than the limit, in order, losing nothing', () => {
    const bytes = Buffer.from(Array.from({ length: 2 * PORT_FRAME_BYTES + 5 }, (_, i) => i % 251));
    const frames = portFrames(bytes);
    expect(frames.map((f) => f.length)).toEqual([PORT_FRAME_BYTES, PORT_FRAME_BYTES, 5]);
    expect(Buffer.concat(frames).equals(bytes)).toBe(true);
    expect(portFrames(Buffer.alloc(0))).toEqual([]);
  });
});

describe('PortTunnel', () => {
  /** A stand-in for the backend's route: a WebSocket server that echoes every frame and records sizes. */
  const servers: WebSocketServer[] = [];
  const tunnels: PortTunnel[] = [];
  afterEach(async () => {
    await Promise.all(tunnels.splice(0).map((t) => t.close()));
    for (const s of servers.splice(0)) {
      for (const c of s.clients) c.terminate();
      s.close();
    }
  });

  async function echoServer(): Promise<{ open: () => Promise<WebSocket>; frameSizes: number[]; connections: () => number }> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const frameSizes: number[] = [];
    let connections = 0;
    server.on('connection', (ws) => {
      connections++;
      ws.on('message', (data: Buffer) => {
        frameSizes.push(data.length);
        ws.send(data, { binary: true });
      });
    });
    const { port } = server.address() as AddressInfo;
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    return { open, frameSizes, connections: () => connections };
  }

  function roundTrip(port: number, bytes: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const received: Buffer[] = [];
      const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        if (Buffer.concat(received).length >= bytes.length) {
          socket.end();
          resolve(Buffer.concat(received));
        }
      });
      socket.on('error', reject);
    });
  }

  it('retries while nothing listens, then hands the proving connection to the first client', async () => {
    const server = await echoServer();
    let attempts = 0;
    const tunnel = await PortTunnel.open(() => (++attempts < 3 ? Promise.reject(notListening()) : server.open()));
    tunnels.push(tunnel);
    await tunnel.ready({ initialDelayMs: 1, maxDelayMs: 2 });
    expect(attempts).toBe(3);

    const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 256));
    expect((await roundTrip(tunnel.port, bytes)).equals(bytes)).toBe(true);
    expect(server.connections()).toBe(1); // the probe was the connection used: the program saw one client
    expect(Math.max(...server.frameSizes)).toBeLessThanOrEqual(PORT_FRAME_BYTES);
  });

  it('gives up on any other refusal at once, and on "not listening" once its time is up', async () => {
    const refused = await PortTunnel.open(() => Promise.reject(new ApiError(409, 'conflict', 'the environment is stopped, not running')));
    tunnels.push(refused);
    await expect(refused.ready({ initialDelayMs: 1 })).rejects.toThrow('stopped');

    let attempts = 0;
    const never = await PortTunnel.open(() => (attempts++, Promise.reject(notListening())));
    tunnels.push(never);
    await expect(never.ready({ initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 3 })).rejects.toThrow('nothing listens');
    expect(attempts).toBe(4); // the first try and one per delay of 1 ms within 3 ms
  });

  it('stops waiting when its signal aborts', async () => {
    const tunnel = await PortTunnel.open(() => Promise.reject(notListening()));
    tunnels.push(tunnel);
    const abort = new AbortController();
    const waiting = tunnel.ready({ signal: abort.signal, initialDelayMs: 60_000 });
    abort.abort(new Error('the job ended'));
    await expect(waiting).rejects.toThrow('the job ended');
  });

  it('opens a connection of its own for each further client', async () => {
    const server = await echoServer();
    const tunnel = await PortTunnel.open(server.open);
    tunnels.push(tunnel);
    expect((await roundTrip(tunnel.port, Buffer.from('one'))).toString()).toBe('one');
    expect((await roundTrip(tunnel.port, Buffer.from('two'))).toString()).toBe('two');
    expect(server.connections()).toBe(2);
  });
});
