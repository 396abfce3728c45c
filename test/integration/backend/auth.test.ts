import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { newDataDir, startBackend, testToken, type BackendProcess } from '../../fixtures/backend-process.js';

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('auth and ownership over HTTP', () => {
  let backend: BackendProcess;
  let admin: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let bobUserId: string;

  beforeAll(async () => {
    backend = await startBackend();
    admin = new ApiClient({ url: backend.url, token: backend.token });
    const a = await admin.call('createUser', { body: { name: 'alice' } });
    const b = await admin.call('createUser', { body: { name: 'bob' } });
    bobUserId = b.id;
    alice = new ApiClient({ url: backend.url, token: (await admin.call('createToken', { body: { name: 'alice laptop', userId: a.id } })).token });
    bob = new ApiClient({ url: backend.url, token: (await admin.call('createToken', { body: { name: 'bob laptop', userId: b.id } })).token });
  });
  afterAll(async () => {
    await Promise.all([admin, alice, bob].map((c) => c.close()));
    await backend.stop();
  });

  it('answers /healthz without a token', async () => {
    const res = await fetch(`${backend.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('refuses a request without a token with 401 and a JSON error', async () => {
    const res = await fetch(`${backend.url}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('refuses a malformed Authorization header and an unknown token', async () => {
    for (const authorization of ['Basic Zm9vOmJhcg==', 'Bearer', `Bearer ${testToken()}`]) {
      const res = await fetch(`${backend.url}/api/v1/me`, { headers: { authorization } });
      expect(res.status).toBe(401);
    }
  });

  it('tells each caller who they are', async () => {
    expect((await admin.call('me')).user).toMatchObject({ name: 'admin', role: 'admin' });
    expect((await alice.call('me')).user).toMatchObject({ name: 'alice', role: 'user' });
  });

  it('refuses a revoked token from the moment it is revoked', async () => {
    const created = await alice.call('createToken', { body: { name: 'short-lived' } });
    const shortLived = new ApiClient({ url: backend.url, token: created.token });
    await expect(shortLived.call('me')).resolves.toMatchObject({ tokenId: created.id });
    const revoked = await alice.call('revokeToken', { params: { id: created.id } });
    expect(revoked.revokedAt).not.toBeNull();
    expect((await failure(shortLived.call('me'))).status).toBe(401);
    await shortLived.close();
  });

  it("answers 404 for another user's token, as if it did not exist", async () => {
    const bobs = await bob.call('createToken', { body: { name: 'bob ci' } });
    const err = await failure(alice.call('revokeToken', { params: { id: bobs.id } }));
    expect(err.status).toBe(404);
    // still alive: alice's attempt changed nothing
    expect((await bob.call('listTokens')).items.map((t) => t.id)).toContain(bobs.id);
  });

  it('lists only the caller’s own tokens, and never their secrets', async () => {
    const { items } = await alice.call('listTokens');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((t) => t.userId !== bobUserId)).toBe(true);
    expect(JSON.stringify(items)).not.toMatch(/"token"/);
    expect((await failure(alice.call('listTokens', { query: { userId: bobUserId } }))).status).toBe(403);
  });

  it('lets only admins create users and read the audit log', async () => {
    expect((await failure(alice.call('createUser', { body: { name: 'mallory' } }))).status).toBe(403);
    expect((await failure(alice.call('listAudit'))).status).toBe(403);
    expect((await failure(alice.call('createToken', { body: { name: 'for bob', userId: bobUserId } }))).status).toBe(403);
    expect((await admin.call('listUsers')).items.map((u) => u.name)).toEqual(['admin', 'alice', 'bob']);
  });

  it('answers 409 for a duplicate user name', async () => {
    const err = await failure(admin.call('createUser', { body: { name: 'ALICE' } }));
    expect(err.status).toBe(409);
    expect(err.issues[0]?.path).toBe('body.name');
  });

  it('expires tokens', async () => {
    const created = await alice.call('createToken', { body: { name: 'expiring', expiresInDays: 1 } });
    expect(Date.parse(created.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it('stores tokens hashed: the secret appears nowhere in the data directory', () => {
    const db = readFileSync(join(backend.dataDir, 'mlwb.sqlite'));
    const wal = readFileSync(join(backend.dataDir, 'mlwb.sqlite-wal'));
    for (const file of [db, wal]) expect(file.includes(backend.token)).toBe(false);
  });
});

describe('first start', () => {
  it('generates an admin token, prints it once and writes it with mode 0600', async () => {
    const dataDir = newDataDir();
    const first = await startBackend({ dataDir, adminToken: null });
    const tokenFile = join(dataDir, 'admin.token');
    const token = readFileSync(tokenFile, 'utf8');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(first.stdout.join('\n')).toContain(token);
    const client = new ApiClient({ url: first.url, token });
    expect((await client.call('me')).user.role).toBe('admin');
    await client.close();
    expect(await first.stop()).toBe(0);

    // a restart neither prints a token again nor makes another admin
    const second = await startBackend({ dataDir, adminToken: null });
    expect(second.stdout.join('\n')).not.toContain('mlwb_');
    const again = new ApiClient({ url: second.url, token });
    expect((await again.call('listUsers')).items).toHaveLength(1);
    await again.close();
    await second.stop();
  });

  it('takes MLWB_ADMIN_TOKEN, and a new value replaces the previous one', async () => {
    const dataDir = newDataDir();
    const [oldToken, newToken] = [testToken(), testToken()];
    const first = await startBackend({ dataDir, adminToken: oldToken });
    await first.stop();
    const second = await startBackend({ dataDir, adminToken: newToken });
    const fresh = new ApiClient({ url: second.url, token: newToken });
    const stale = new ApiClient({ url: second.url, token: oldToken });
    expect((await fresh.call('me')).user.role).toBe('admin');
    expect((await failure(stale.call('me'))).status).toBe(401);
    await Promise.all([fresh.close(), stale.close()]);
    await second.stop();
  });

  it('refuses to start with a weak MLWB_ADMIN_TOKEN', async () => {
    await expect(startBackend({ adminToken: 'short' })).rejects.toThrow(/MLWB_ADMIN_TOKEN must be at least 20 characters/);
  });
});
