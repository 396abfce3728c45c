import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DatasetService } from '../../../../../backend/src/data/service/service.js';
import { Uploads } from '../../../../../backend/src/data/service/uploads.js';
import { EventBus } from '../../../../../backend/src/events/bus.js';
import { Store } from '../../../../../backend/src/store/index.js';

const HOUR = 60 * 60 * 1000;
const opened: { dir: string; store: Store }[] = [];

function realStore(): { dir: string; store: Store; ownerId: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-uploads-'));
  const store = Store.open(dir);
  opened.push({ dir, store });
  return { dir, store, ownerId: store.users.create('ana', 'user').id };
}

afterEach(() => {
  vi.useRealTimers();
  for (const { dir, store } of opened.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const body = { fileName: 'big.csv', kind: 'file' as const, size: 10 };

describe('upload sessions', () => {
  it('expire when idle past their time, with their bytes; a fresh one and one in use stay', async () => {
    const { dir, store, ownerId } = realStore();
    const uploads = new Uploads(join(dir, 'uploads'), store.datasets, { ttlMs: HOUR });
    const idle = await uploads.create(ownerId, body);
    const busy = await uploads.create(ownerId, body);
    const later = Date.now() + HOUR + 1000;
    let release!: () => void;
    const held = uploads.hold(ownerId, busy.id, () => new Promise<void>((resolve) => (release = resolve)));
    await uploads.expire(later);
    expect(() => uploads.get(ownerId, idle.id)).toThrow(/not found/i);
    expect(existsSync(join(dir, 'uploads', idle.id))).toBe(false);
    expect(uploads.get(ownerId, busy.id).id).toBe(busy.id);
    release();
    await held;
    const fresh = await uploads.create(ownerId, body);
    await uploads.expire();
    expect(uploads.get(ownerId, fresh.id).offset).toBe(0);
  });

  it('recover after a crash: a folder without a session and a session without a folder go', async () => {
    const { dir, store, ownerId } = realStore();
    const uploads = new Uploads(join(dir, 'uploads'), store.datasets);
    const lost = await uploads.create(ownerId, body);
    rmSync(join(dir, 'uploads', lost.id), { recursive: true });
    mkdirSync(join(dir, 'uploads', 'upl_orphan'));
    const kept = await uploads.create(ownerId, body);
    await uploads.recover();
    expect(() => uploads.get(ownerId, lost.id)).toThrow(/not found/i);
    expect(existsSync(join(dir, 'uploads', 'upl_orphan'))).toBe(false);
    expect(uploads.get(ownerId, kept.id).id).toBe(kept.id);
  });

  it('abandoned ones are swept while the backend runs, not only at its next start', async () => {
    const { dir, store, ownerId } = realStore();
    // the clock moves only when the test says: the session is an hour old when the sweep comes, never sooner
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const service = await DatasetService.open(dir, store, new EventBus(), { ttlMs: HOUR / 2, sweepEveryMs: HOUR });
    try {
      const abandoned = await service.uploads.create(ownerId, body);
      await vi.advanceTimersByTimeAsync(HOUR / 4);
      expect(service.uploads.get(ownerId, abandoned.id).id).toBe(abandoned.id); // not expired yet, and no sweep ran
      await vi.advanceTimersByTimeAsync((3 * HOUR) / 4);
      await vi.waitFor(() => expect(existsSync(join(dir, 'uploads', abandoned.id))).toBe(false));
      expect(() => service.uploads.get(ownerId, abandoned.id)).toThrow(/not found/i);
    } finally {
      service.close();
    }
  });
});
