import { describe, expect, it } from 'vitest';
import { admit, couldEverFit, fits, queueOrder, type QueuedRequest } from '../../../backend/src/environments/scheduler.js';

const host = { cpus: 4, memoryMiB: 8192, gpus: 1 };
const none = { cpus: 0, memoryMiB: 0, gpus: 0 };
const req = (id: string, cpus: number, opts: Partial<QueuedRequest> = {}): QueuedRequest => ({
  id,
  priority: 50,
  queuedAt: `2026-01-01T00:00:0${id.length}Z`,
  resources: { cpus, memoryMiB: 1024, gpus: 0 },
  ...opts,
});

describe('scheduler', () => {
  it('fits on every resource at once', () => {
    expect(fits(host, none, { cpus: 4, memoryMiB: 8192, gpus: 1 })).toBe(true);
    expect(fits(host, none, { cpus: 4.5, memoryMiB: 1, gpus: 0 })).toBe(false);
    expect(fits(host, none, { cpus: 1, memoryMiB: 8193, gpus: 0 })).toBe(false);
    expect(fits(host, none, { cpus: 1, memoryMiB: 1, gpus: 2 })).toBe(false);
    expect(fits({ cpus: 0.3, memoryMiB: 1000, gpus: 0 }, { cpus: 0.1 + 0.1, memoryMiB: 0, gpus: 0 }, { cpus: 0.1, memoryMiB: 1, gpus: 0 })).toBe(true);
  });

  it('orders by priority, then first come first served', () => {
    const q = [
      req('a', 1, { queuedAt: '2026-01-01T00:00:01Z' }),
      req('b', 1, { queuedAt: '2026-01-01T00:00:00Z' }),
      req('c', 1, { priority: 90, queuedAt: '2026-01-01T00:00:09Z' }),
    ];
    expect(queueOrder(q).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('admits in order until the first that does not fit, so big requests are not starved', () => {
    const q = [req('big', 3, { queuedAt: '2026-01-01T00:00:00Z' }), req('small', 0.5, { queuedAt: '2026-01-01T00:00:01Z' })];
    expect(admit(q, host, { cpus: 2, memoryMiB: 0, gpus: 0 })).toEqual([]);
    expect(admit(q, host, none)).toEqual(['big', 'small']);
  });

  it('admits 10 of 12 tiny requests on a capacity of 10', () => {
    const q = Array.from({ length: 12 }, (_, i) => req(`e${String(i).padStart(2, '0')}`, 0.1, { queuedAt: `2026-01-01T00:00:${String(i).padStart(2, '0')}Z` }));
    expect(admit(q, { cpus: 1, memoryMiB: 1e6, gpus: 0 }, none)).toHaveLength(10);
  });

  it('knows what can never fit', () => {
    expect(couldEverFit(host, { cpus: 5, memoryMiB: 1, gpus: 0 })).toBe(false);
    expect(couldEverFit(host, { cpus: 4, memoryMiB: 8192, gpus: 1 })).toBe(true);
  });
});
