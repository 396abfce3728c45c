import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';

describe('audit log', () => {
  let backend: BackendProcess;
  let admin: ApiClient;

  beforeAll(async () => {
    backend = await startBackend();
    admin = new ApiClient({ url: backend.url, token: backend.token });
  });
  afterAll(async () => {
    await admin.close();
    await backend.stop();
  });

  it('records successful, refused and failed state changes with who, what and the result', async () => {
    const me = await admin.call('me');
    const created = await admin.call('createToken', { body: { name: 'audited' } });
    await admin.call('revokeToken', { params: { id: created.id } });
    await fetch(`${backend.url}/api/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"anon"}' });
    await fetch(`${backend.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' },
      body: '{"name": 1}',
    });

    const { items } = await admin.call('listAudit', { query: { limit: 10 } });
    const rows = items.map(({ userId, action, target, result, status }) => ({ userId, action, target, result, status }));
    expect(rows.slice(0, 4)).toEqual([
      { userId: me.user.id, action: 'user.create', target: null, result: 'failed', status: 400 },
      { userId: null, action: 'token.create', target: null, result: 'denied', status: 401 },
      { userId: me.user.id, action: 'token.revoke', target: created.id, result: 'ok', status: 200 },
      { userId: me.user.id, action: 'token.create', target: created.id, result: 'ok', status: 201 },
    ]);
    for (const e of items) expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.now());
  });

  it('does not record reads', async () => {
    const before = (await admin.call('listAudit')).items.length;
    await admin.call('listTokens');
    await admin.call('me');
    expect((await admin.call('listAudit')).items.length).toBe(before);
  });

  it('filters by action and pages backwards', async () => {
    const { items } = await admin.call('listAudit', { query: { action: 'token.create' } });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => e.action === 'token.create')).toBe(true);
    const newest = items[0]!;
    const older = await admin.call('listAudit', { query: { before: newest.id } });
    expect(older.items.every((e) => e.id < newest.id)).toBe(true);
  });

  it('is append-only in the store itself', () => {
    const db = new Database(join(backend.dataDir, 'mlwb.sqlite'));
    try {
      expect(() => db.prepare('UPDATE audit SET result = ?').run('ok')).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});
