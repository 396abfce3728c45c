import { z } from 'zod';
import { Timestamp } from './common.js';

/**
 * A one-time login to one environment's Jupyter web UI for a browser, which cannot send our bearer
 * header. `path` is relative to the backend's base URL; opening it within `expiresAt` sets a cookie
 * valid for that environment's Jupyter proxy only.
 */
export const JupyterTicket = z.strictObject({
  path: z.string().startsWith('/api/v1/environments/'),
  expiresAt: Timestamp,
});
export type JupyterTicket = z.infer<typeof JupyterTicket>;

export const JupyterLoginQuery = z.strictObject({ ticket: z.string().min(1).max(128) });
export type JupyterLoginQuery = z.infer<typeof JupyterLoginQuery>;

/** The login page the browser gets; HTML, so it is sent as is, not as JSON. */
export const JupyterLoginPage = z.string();
