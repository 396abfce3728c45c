import { request } from 'node:http';
import { z } from 'zod';

/** The part of Jupyter Server's `GET /api/status` we read. */
const Status = z.object({ last_activity: z.string() });

/** When the Jupyter server last saw kernel or request activity, or undefined if it cannot tell. */
export function probeJupyterStatus(origin: string, baseUrl: string, token: string, timeoutMs = 3000): Promise<Date | undefined> {
  return new Promise((resolve) => {
    const req = request(new URL(`${baseUrl}api/status`, origin), { headers: { authorization: `token ${token}` }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          const parsed = Status.safeParse(JSON.parse(body));
          resolve(parsed.success ? new Date(parsed.data.last_activity) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
