import { createHash } from 'node:crypto';
import { randomBase62 } from '../store/ids.js';

export const TOKEN_PREFIX = 'mlwb_';

/** A new API token: 40 random base62 characters (~238 bits) after a recognisable prefix. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBase62(40);
}

/**
 * Tokens are stored as SHA-256 digests. They are long random strings, not passwords, so a fast
 * hash is enough: there is nothing to brute-force, and the lookup stays a single indexed query.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What listings show to tell tokens apart without revealing them. */
export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/** A token given from outside (MLWB_ADMIN_TOKEN): long enough and free of whitespace. */
export function checkSuppliedToken(token: string): string | undefined {
  if (token.length < 20) return 'must be at least 20 characters long';
  if (/\s/.test(token)) return 'must not contain whitespace';
  return undefined;
}
