import { createServer } from 'node:net';

/** A loopback port free at this moment (Jupyter runs with port_retries=0, so a race is detected, not hidden). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class PortTaken extends Error {}

/**
 * jupyter_server logs "The port N is already in use." (1.x) and "…because port N is not available."
 * Only the lines after this attempt's own start line count: the log keeps earlier runs.
 */
export function portWasTaken(tail: string[], port: number): boolean {
  let from = 0;
  for (let i = tail.length - 1; i >= 0; i--) {
    if (tail[i]!.includes(`starting Jupyter on 127.0.0.1:${port}`)) {
      from = i;
      break;
    }
  }
  const taken = new RegExp(`port ${port} (is already in use|is not available)`);
  return tail.slice(from).some((l) => taken.test(l));
}
