import { describe, expect, it } from 'vitest';
import { checkSuppliedToken, generateToken, hashToken, tokenPrefix } from '../../../backend/src/auth/secrets.js';

describe('token secrets', () => {
  it('generates long, distinct, url-safe tokens with a recognisable prefix', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    expect(new Set(tokens).size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^mlwb_[A-Za-z0-9]{40}$/);
  });

  it('hashes deterministically, never returning the secret', () => {
    const t = generateToken();
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t.slice(5));
    expect(hashToken(t)).not.toBe(hashToken(generateToken()));
  });

  it('shows only the first characters', () => {
    expect(tokenPrefix('mlwb_abcdefghijklmnop')).toBe('mlwb_abcdef');
  });

  it('checks operator-supplied tokens', () => {
    expect(checkSuppliedToken('short')).toMatch(/at least 20/);
    expect(checkSuppliedToken('a'.repeat(20) + ' b')).toMatch(/whitespace/);
    expect(checkSuppliedToken('x'.repeat(24))).toBeUndefined();
  });
});
