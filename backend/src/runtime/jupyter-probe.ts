import { request } from 'node:http';

/**
 * One readiness probe: GET `<base>api/status` with the token (plain `<base>api` answers without
 * one in jupyter_server 1.23, so it would not prove the token is right). node:http with its own timeout, because
 * Node 20's fetch can hang for good when a port proxy resets the connection while Jupyter starts
 * (see the offline-images recipe, pitfall 9); a TCP connect is not enough either, as docker-proxy
 * accepts connections before the server listens.
 */
export function probeJupyter(origin: string, baseUrl: string, token: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(new URL(`${baseUrl}api/status`, origin), { headers: { authorization: `token ${token}` }, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Probes until Jupyter answers, the instance dies (`alive` false) or the signal aborts. */
export async function waitForJupyter(
  origin: () => Promise<string | undefined>,
  baseUrl: string,
  token: string,
  opts: { signal: AbortSignal; timeoutMs: number; alive: () => Promise<boolean>; intervalMs?: number },
): Promise<string> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal.aborted) throw new Error('cancelled');
    const at = await origin();
    if (at && (await probeJupyter(at, baseUrl, token))) return at;
    if (!(await opts.alive())) throw new Error('the Jupyter server exited during start-up');
    if (Date.now() > deadline) throw new Error(`Jupyter did not answer within ${Math.round(opts.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
