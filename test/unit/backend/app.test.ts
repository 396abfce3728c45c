import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../fixtures/app.js';

describe('app (inject, no port)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ bodyLimit: 2048 });
  });
  afterEach(async () => {
    await t.close();
  });
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('maps every kind of bad input to a 4xx with the field named', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(t.adminToken), payload: { name: 7, extra: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'invalid body.name: Invalid input: expected string, received number',
        details: {
          issues: [
            { path: 'body.name', message: 'Invalid input: expected string, received number' },
            { path: 'body.extra', message: 'unknown field' },
          ],
        },
      },
    });
  });

  it('answers 413 above the body limit', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(t.adminToken), payload: { name: 'x'.repeat(4096) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('checks the token before reading the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { 'content-type': 'application/json' }, payload: '{bad json' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('writes an audit entry for a refused state change', async () => {
    const user = t.addUser('eve');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth(user.token), payload: { name: 'mallory' } });
    expect(res.statusCode).toBe(403);
    expect(t.store.audit.list({ limit: 1 })[0]).toMatchObject({ userId: user.id, action: 'user.create', result: 'denied', status: 403 });
  });

  it('publishes a created token without its secret', async () => {
    const seen: unknown[] = [];
    const admin = t.store.users.firstAdmin()!;
    t.bus.subscribe({ id: admin.id, role: 'admin' }, new Set(['tokens']), (e) => seen.push(e));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(t.adminToken), payload: { name: 'evented' } });
    expect(res.statusCode).toBe(201);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(res.json().token);
  });

  it('hides 500 details from the client', async () => {
    t.store.close(); // every store call now throws
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth(t.adminToken) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal server error; see the server log' } });
  });
});
