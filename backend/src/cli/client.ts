import { readFileSync } from 'node:fs';
import { ApiClient } from '../client/index.js';
import { readLogin, type SavedLogin } from './login.js';

/** The options every client command accepts. */
export interface ClientFlags {
  url?: string;
  token?: string;
  ca?: string;
  json?: boolean;
}

export class UsageError extends Error {}

/**
 * Where to connect and with what: flags first, then MLWB_URL / MLWB_TOKEN / MLWB_CA, then the saved
 * login. A URL without a token is an error, not an anonymous call that would only answer 401.
 */
export function clientFrom(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): ApiClient {
  // The saved login is one unit: it is used only when no URL comes from a flag or the environment.
  const saved: Partial<SavedLogin> = flags.url || env.MLWB_URL ? {} : (readLogin(env) ?? {});
  const url = flags.url ?? env.MLWB_URL ?? saved.url;
  const token = flags.token ?? env.MLWB_TOKEN ?? saved.token;
  const caFile = flags.ca ?? env.MLWB_CA ?? saved.caFile;
  if (!url) throw new UsageError('no backend URL: pass --url, set MLWB_URL, or run "mlwb login URL"');
  if (!token) throw new UsageError(`no token for ${url}: pass --token, set MLWB_TOKEN, or run "mlwb login ${url}"`);
  return new ApiClient({ url, token, ca: caFile ? readFileSync(caFile, 'utf8') : undefined });
}

/** Runs one command's work with a client made from its flags, and always closes the client. */
export async function withClient<T>(flags: ClientFlags, fn: (client: ApiClient) => Promise<T>): Promise<T> {
  const client = clientFrom(flags);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
