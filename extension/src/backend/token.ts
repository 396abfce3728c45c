import { randomInt } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A fresh admin token for the embedded backend, new on every start: `mlwb_` and 32 base62
 * characters (about 190 bits). randomInt draws without modulo bias.
 */
export function generateToken(): string {
  let token = 'mlwb_';
  for (let i = 0; i < 32; i += 1) token += BASE62.charAt(randomInt(BASE62.length));
  return token;
}
