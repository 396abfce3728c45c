import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';

/**
 * A local `127.0.0.1:<port>` that tunnels each TCP connection through the API server's
 * `pods/portforward` (one WebSocket per connection, as `kubectl port-forward` does). It follows
 * the pod by name, so a pod recreated under the same name is reached without reopening.
 */
export class PodPortForward {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private port = 0;

  private constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly pod: string,
    targetPort: number,
  ) {
    const forward = new PortForward(kubeConfig);
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      tunnel(forward, namespace, pod, targetPort, socket);
    });
  }

  static async open(kubeConfig: KubeConfig, namespace: string, pod: string, targetPort: number): Promise<PodPortForward> {
    const forward = new PodPortForward(kubeConfig, namespace, pod, targetPort);
    await new Promise<void>((resolve, reject) => {
      forward.server.once('error', reject);
      forward.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = forward.server.address();
    forward.port = typeof address === 'object' && address ? address.port : 0;
    return forward;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts the open tunnels; safe to call twice. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function tunnel(forward: PortForward, namespace: string, pod: string, targetPort: number, socket: Socket): void {
  // The error channel carries text such as "error forwarding port 8888 to pod …": end the connection with it.
  const errors = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // The first frame of the channel is the port number alone, which reaches here empty.
      if (chunk.length > 0) socket.destroy(new Error(chunk.toString('utf8')));
      callback();
    },
  });
  socket.on('error', () => undefined);
  forward.portForward(namespace, pod, [targetPort], socket, errors, socket).then(
    (opened) => {
      const ws = typeof opened === 'function' ? opened() : opened;
      if (!ws) return void socket.destroy();
      ws.on('close', () => socket.end());
      ws.on('error', () => socket.destroy());
      socket.once('close', () => ws.close());
    },
    () => socket.destroy(),
  );
}
