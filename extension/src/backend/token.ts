import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { EmbeddedStartError } from './embedded.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_SHAPE = /^mlwb_[A-Za-z0-9]{32}$/;

/**
 * A new admin token for the embedded backend: `mlwb_` and 32 base62 characters (about 190 bits).
 * randomInt draws without modulo bias.
 */
export function generateToken(): string {
  let token = 'mlwb_';
  for (let i = 0; i < 32; i += 1) token += BASE62.charAt(randomInt(BASE62.length));
  return token;
}

/**
 * Where the embedded backend's admin token is kept (the editor's secret storage, shared by all its
 * windows). The backend accepts one MLWB_ADMIN_TOKEN at a time and revokes the previous one when a
 * new one comes, so every window must start it, and talk to it, with the same token.
 */
export interface EmbeddedTokenStore {
  get(): Promise<string | undefined>;
  store(token: string): Promise<void>;
}

/** The stored token; generated and stored on first use, or when what is stored is not one of ours. */
export async function embeddedToken(store: EmbeddedTokenStore): Promise<string> {
  const stored = await store.get();
  if (stored && TOKEN_SHAPE.test(stored)) return stored;
  return replaceToken(store);
}

/** A new token, stored for every window: when the backend refused the old one (revoked by hand, say). */
export async function replaceToken(store: EmbeddedTokenStore): Promise<string> {
  const token = generateToken();
  await store.store(token);
  return token;
}

/** The backend refused to start with the stored token: it was revoked (`mlwb token revoke`) or expired. */
export function tokenRevoked(error: unknown): boolean {
  return error instanceof EmbeddedStartError && error.stderrTail.some((line) => line.includes('MLWB_ADMIN_TOKEN was revoked'));
}

const AGREE_MS = 5_000;

/**
 * The token that the backend another window started accepts. Two windows that start at the same
 * moment on a fresh install may each store a token of their own; the owner's wins, as the owner
 * stores its token again once its backend is ready. So a refused token is read again for a while.
 */
export async function agreeOnToken(url: string, token: string, store: EmbeddedTokenStore, cancelled: () => boolean): Promise<string> {
  const deadline = Date.now() + AGREE_MS;
  for (let candidate = token; ; candidate = (await store.get()) ?? candidate) {
    const client = new ApiClient({ url, token: candidate });
    try {
      await client.call('me');
      return candidate;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401) || Date.now() > deadline || cancelled()) throw error;
    } finally {
      await client.close();
    }
    await sleep(250);
  }
}
