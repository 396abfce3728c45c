import { describe, expect, it } from 'vitest';
import { checkSuppliedToken } from '../../../backend/src/auth/secrets.js';
import { EmbeddedStartError } from '../../../extension/src/backend/embedded.js';
import { embeddedToken, generateToken, replaceToken, tokenRevoked } from '../../../extension/src/backend/token.js';
import { memoryTokenStore } from '../../fixtures/extension/fakeBackend.js';

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

describe('embeddedToken', () => {
  it('generates and stores a token on first use, then keeps returning the stored one', async () => {
    const store = memoryTokenStore();
    const first = await embeddedToken(store);
    expect(first).toMatch(/^mlwb_[A-Za-z0-9]{32}$/);
    expect(store.value).toBe(first);
    expect(await embeddedToken(store)).toBe(first);
  });

  it('replaces a stored value that is not one of its tokens', async () => {
    const store = memoryTokenStore('short');
    const token = await embeddedToken(store);
    expect(token).not.toBe('short');
    expect(store.value).toBe(token);
  });

  it('replaces the token on request', async () => {
    const store = memoryTokenStore(generateToken());
    const old = store.value;
    expect(await replaceToken(store)).not.toBe(old);
  });
});

describe('tokenRevoked', () => {
  it('recognises the backend refusing to start with a revoked MLWB_ADMIN_TOKEN', () => {
    const revoked = new EmbeddedStartError('exited', 'exited', ['mlwb: MLWB_ADMIN_TOKEN was revoked or has expired; set a new value']);
    expect(tokenRevoked(revoked)).toBe(true);
    expect(tokenRevoked(new EmbeddedStartError('exited', 'exited', ['cannot open the store']))).toBe(false);
    expect(tokenRevoked(new Error('MLWB_ADMIN_TOKEN was revoked'))).toBe(false);
  });
});
