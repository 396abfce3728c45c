import { describe, expect, it } from 'vitest';
import { checkSuppliedToken } from '../../../backend/src/auth/secrets.js';
import { generateToken } from '../../../extension/src/backend/token.js';

describe('generateToken', () => {
  it('is mlwb_ and 32 base62 characters, fresh every time', () => {
    const tokens = Array.from({ length: 50 }, generateToken);
    for (const token of tokens) expect(token).toMatch(/^mlwb_[A-Za-z0-9]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('is accepted by the backend as MLWB_ADMIN_TOKEN', () => {
    expect(checkSuppliedToken(generateToken())).toBeUndefined();
  });
});
