import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../../../backend/src/auth/bootstrap.js';
import { migrate, openDb, schemaVersion } from '../../../backend/src/store/db.js';
import { Store } from '../../../backend/src/store/index.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'mlwb-unit-'));

describe('migrations', () => {
  it('apply once, in order, and are recorded', () => {
    const db = openDb(':memory:', [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', sql: 'ALTER TABLE a ADD COLUMN y TEXT' },
    ]);
    expect(schemaVersion(db)).toBe(2);
    migrate(db, [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', sql: 'ALTER TABLE a ADD COLUMN y TEXT' },
      { version: 3, name: 'c', sql: 'CREATE TABLE c (z INTEGER)' },
    ]);
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('roll back a failing migration entirely', () => {
    const db = openDb(':memory:', [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' }]);
    expect(() => migrate(db, [
      { version: 1, name: 'a', sql: '' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); THIS IS NOT SQL' },
    ])).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });
});

describe('tokens store', () => {
  it('finds live tokens only', () => {
    const store = new Store(openDb(':memory:'));
    const user = store.users.create('u', 'user');
    const live = store.tokens.create({ userId: user.id, name: 'live' });
    const expired = store.tokens.create({ userId: user.id, name: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const revoked = store.tokens.create({ userId: user.id, name: 'gone' });
    store.tokens.revoke(revoked.id);
    expect(store.tokens.findActive(live.token)?.id).toBe(live.id);
    expect(store.tokens.findActive(expired.token)).toBeUndefined();
    expect(store.tokens.findActive(revoked.token)).toBeUndefined();
    expect(store.tokens.list({ userId: user.id, limit: 10 }).map((t) => t.name).sort()).toEqual(['live', 'old']);
    store.close();
  });
});

describe('bootstrapAdmin', () => {
  it('creates the admin and a 0600 token file on first start only', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    const first = bootstrapAdmin(store, dir);
    expect(first.generatedToken).toMatch(/^mlwb_/);
    expect(readFileSync(join(dir, 'admin.token'), 'utf8')).toBe(first.generatedToken);
    expect(statSync(join(dir, 'admin.token')).mode & 0o777).toBe(0o600);
    const second = bootstrapAdmin(store, dir);
    expect(second.generatedToken).toBeUndefined();
    expect(second.admin.id).toBe(first.admin.id);
    store.close();
  });

  it('refuses a supplied token that was revoked', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    const secret = 'mlwb_supplied_supplied_supplied';
    bootstrapAdmin(store, dir, secret);
    const id = store.tokens.findActive(secret)!.id;
    store.tokens.revoke(id);
    expect(() => bootstrapAdmin(store, dir, secret)).toThrow(/revoked/);
    store.close();
  });
});
