import Database from 'better-sqlite3';
import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { migrations } from '../../../backend/src/store/migrations.js';
import { startBackend } from '../../fixtures/backend-process.js';
import { RawEventsClient } from '../../fixtures/ws-client.js';

describe('server lifecycle', () => {
  it('runs the migrations at start and records them', async () => {
    const backend = await startBackend();
    await backend.stop();
    const db = new Database(join(backend.dataDir, 'mlwb.sqlite'), { readonly: true });
    const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(applied.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('shuts down gracefully on SIGTERM and SIGINT: exit 0, subscribers told, data kept', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const backend = await startBackend();
      const client = new ApiClient({ url: backend.url, token: backend.token });
      const created = await client.call('createToken', { body: { name: `kept across ${signal}` } });
      await client.close();
      const subscriber = RawEventsClient.connect(backend.url, backend.token);
      await subscriber.next('hello');

      expect(await backend.stop(signal)).toBe(0);
      expect((await subscriber.closed).code).toBe(1001);

      const again = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token });
      const check = new ApiClient({ url: again.url, token: created.token });
      expect((await check.call('me')).tokenId).toBe(created.id);
      await check.close();
      await again.stop();
    }
  });

  it('lets a request that is in flight at SIGTERM finish before exiting', async () => {
    const backend = await startBackend({ args: ['--log-level', 'info'] });
    const body = JSON.stringify({ name: 'finished during shutdown' });
    const req = request(`${backend.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answer = new Promise<{ status: number; text: string }>((res, rej) => {
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, text }));
      });
      req.on('error', rej);
    });
    req.write(body.slice(0, 10)); // half a body: the request is now in flight
    await backend.waitForLog(/"url":"\/api\/v1\/tokens".*incoming request|incoming request.*"url":"\/api\/v1\/tokens"/);
    const exited = backend.stop('SIGTERM');
    await backend.waitForLog(/SIGTERM: finishing in-flight requests/);
    req.end(body.slice(10));
    const { status, text } = await answer;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ name: 'finished during shutdown' });
    expect(await exited).toBe(0);
  });

  it('owns its data directory: a second backend there is refused and told where the first runs', async () => {
    const first = await startBackend();
    const second = await startBackend({ dataDir: first.dataDir, adminToken: first.token }).catch((e: Error) => e);
    expect(second).toBeInstanceOf(Error);
    expect((second as Error).message).toMatch(/exited with 3/);
    expect((second as Error).message).toContain(`is running at ${first.url} on this data directory`);
    // the refused one must not have touched the lock: the first keeps it until it stops
    expect(JSON.parse(readFileSync(join(first.dataDir, 'server.lock'), 'utf8'))).toMatchObject({ pid: first.proc.pid, url: first.url });
    await first.stop();
    expect(existsSync(join(first.dataDir, 'server.lock'))).toBe(false);
  });

  it('takes over the lock of a backend that crashed', async () => {
    const crashed = await startBackend();
    expect(await crashed.stop('SIGKILL')).toBeNull();
    expect(existsSync(join(crashed.dataDir, 'server.lock'))).toBe(true);
    const next = await startBackend({ dataDir: crashed.dataDir, adminToken: crashed.token });
    expect(JSON.parse(readFileSync(join(crashed.dataDir, 'server.lock'), 'utf8'))).toMatchObject({ pid: next.proc.pid });
    await next.stop();
  });

  it('stops when its supervisor closes stdin (--stop-on-stdin-end)', async () => {
    const backend = await startBackend({ args: ['--stop-on-stdin-end'], stdin: 'pipe' });
    backend.proc.stdin!.end();
    expect(await backend.exited).toBe(0);
  });

  it('refuses to open a store written by a newer version', async () => {
    const backend = await startBackend();
    await backend.stop();
    const db = new Database(join(backend.dataDir, 'mlwb.sqlite'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(999, 'from the future', new Date().toISOString());
    db.close();
    await expect(startBackend({ dataDir: backend.dataDir, adminToken: backend.token })).rejects.toThrow(/schema version 999, newer than this build/);
  });
});
