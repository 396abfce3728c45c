import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../backend/src/client/index.js';
import type { Environment, EnvironmentStats } from '../../../backend/src/protocol/index.js';
import { EnvironmentFocus } from '../../../extension/src/environments/focus.js';
import { ResourceMonitor } from '../../../extension/src/environments/monitor.js';
import { Poller } from '../../../extension/src/environments/poller.js';
import { chooseActive, formatStats } from '../../../extension/src/environments/stats.js';
import { environment } from '../../fixtures/extension/environments.js';

const GIB = 1024 ** 3;
const stats = (overrides: Partial<EnvironmentStats> = {}): EnvironmentStats => ({
  at: '2025-01-01T00:00:00.000Z',
  cpu: { percent: 12.4, limitCpus: 2 },
  memory: { usedBytes: 1.2 * GIB, limitBytes: 4 * GIB },
  gpus: [],
  ...overrides,
});

describe('formatStats', () => {
  it('shows CPU %, memory used/limit and GPU utilization when there is a GPU', () => {
    expect(formatStats('box', stats()).text).toBe('$(pulse) box 12% · 1.2/4.0 GiB');
    const gpu = { index: 0, name: 'H100', utilizationPercent: 40, memoryUsedBytes: 2 * GIB, memoryTotalBytes: 80 * GIB };
    const view = formatStats('box', stats({ gpus: [gpu, { ...gpu, index: 1, utilizationPercent: 9.6 }] }));
    expect(view.text).toBe('$(pulse) box 12% · 1.2/4.0 GiB · GPU 40%/10%');
    expect(view.tooltip).toContain('GPU 0 H100: 40%, 2.0/80.0 GiB');
    expect(view.tooltip).toContain('Memory: 1.2/4.0 GiB (30%)');
    expect(view.tooltip).toContain('CPU: 12% (limit 2 CPUs)');
  });

  it('shows memory alone without a limit, and leaves out GPUs that report no utilization', () => {
    const gpu = { index: 0, name: 'T4', utilizationPercent: null, memoryUsedBytes: null, memoryTotalBytes: null };
    expect(formatStats('box', stats({ memory: { usedBytes: 0.5 * GIB, limitBytes: null }, gpus: [gpu] })).text).toBe('$(pulse) box 12% · 0.5 GiB');
  });
});

describe('chooseActive', () => {
  it('takes the remembered environment while it runs, else the first running one by name', () => {
    const a = environment({ name: 'b-box', state: 'running' });
    const b = environment({ name: 'a-box', state: 'running' });
    expect(chooseActive([a, b], a.id)).toBe(a);
    expect(chooseActive([a, b], 'env_gone0000')).toBe(b);
    expect(chooseActive([], a.id)).toBeUndefined();
  });
});

describe('Poller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls now and then every interval after each answer, and drops an answer that comes after stop', async () => {
    let n = 0;
    const results: unknown[] = [];
    const poller = new Poller(async () => ++n, (r) => results.push(r), 3000);
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual([{ ok: true, value: 1 }]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(results).toHaveLength(2);
    poller.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(results).toHaveLength(2);
    expect(n).toBe(2);
  });
});

describe('ResourceMonitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(initial: Environment[], focused = true) {
    let envs = initial;
    const listeners = new Set<() => void>();
    let remembered: string | undefined;
    const fetched: string[] = [];
    let answer: (id: string) => Promise<EnvironmentStats> = async () => stats();
    const monitor = new ResourceMonitor(
      {
        environments: () => envs,
        onDidChangeEnvironments: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
        fetchStats: (id) => (fetched.push(id), answer(id)),
        remembered: { get: () => remembered, set: (id) => (remembered = id) },
        intervalMs: 3000,
      },
      focused,
    );
    return {
      monitor,
      fetched,
      remembered: () => remembered,
      setEnvs: (next: Environment[]) => ((envs = next), listeners.forEach((fn) => fn())),
      answer: (fn: typeof answer) => (answer = fn),
    };
  }

  it('is hidden and does not poll while nothing runs', async () => {
    const s = setup([environment({ state: 'stopped' })]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.monitor.view).toEqual({ hidden: true });
    expect(s.fetched).toEqual([]);
  });

  it('polls the running environment every 3 s while the window is focused, and only then', async () => {
    const box = environment({ name: 'box', state: 'running' });
    const s = setup([box], false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.fetched).toEqual([]);
    expect(s.monitor.view).toMatchObject({ hidden: false, text: '$(pulse) box' });

    s.monitor.setFocused(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.monitor.view).toMatchObject({ hidden: false, envId: box.id, text: '$(pulse) box 12% · 1.2/4.0 GiB' });
    await vi.advanceTimersByTimeAsync(6_000);
    expect(s.fetched).toHaveLength(3);

    s.monitor.setFocused(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.fetched).toHaveLength(3);
    // The last figures stay shown while the window is in the background.
    expect(s.monitor.view).toMatchObject({ text: '$(pulse) box 12% · 1.2/4.0 GiB' });
  });

  it('stops polling and hides when the environment stops', async () => {
    const box = environment({ name: 'box', state: 'running' });
    const s = setup([box]);
    await vi.advanceTimersByTimeAsync(0);
    s.setEnvs([{ ...box, state: 'stopped' }]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.fetched).toHaveLength(1);
    expect(s.monitor.view).toEqual({ hidden: true });
    expect(s.monitor.polling).toBe(false);
  });

  it('watches the environment the user selects, remembers it, and says why figures are missing', async () => {
    const a = environment({ name: 'a-box', state: 'running' });
    const b = environment({ name: 'b-box', state: 'running' });
    const s = setup([a, b]);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.fetched).toEqual([a.id]);
    s.answer(async () => {
      throw new ApiError(409, 'conflict', 'the environment is stopping, not running');
    });
    s.monitor.select(b.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.remembered()).toBe(b.id);
    expect(s.fetched).toEqual([a.id, b.id]);
    const view = s.monitor.view;
    expect(view).toMatchObject({ hidden: false, envId: b.id, text: '$(pulse) b-box' });
    expect(!view.hidden && view.tooltip).toContain('No figures: the environment is stopping, not running');
  });

  it('keeps the last figures on show when a poll fails, saying why', async () => {
    const box = environment({ name: 'box', state: 'running' });
    const s = setup([box]);
    await vi.advanceTimersByTimeAsync(0);
    s.answer(async () => {
      throw new ApiError(0, 'unreachable', 'cannot reach the backend');
    });
    await vi.advanceTimersByTimeAsync(3000);
    const view = s.monitor.view;
    expect(view).toMatchObject({ text: '$(pulse) box 12% · 1.2/4.0 GiB' });
    expect(!view.hidden && view.tooltip).toContain('No newer figures: cannot reach the backend');
  });

  it('stops its timer when disposed', async () => {
    const s = setup([environment({ state: 'running' })]);
    await vi.advanceTimersByTimeAsync(0);
    s.monitor.dispose();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.fetched).toHaveLength(1);
  });
});

describe('ResourceMonitor following the editor’s focus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(envs: Environment[], remembered?: string) {
    const focus = new EnvironmentFocus();
    let memory = remembered;
    const fetched: string[] = [];
    const monitor = new ResourceMonitor(
      {
        environments: () => envs,
        onDidChangeEnvironments: () => () => undefined,
        fetchStats: async (id) => (fetched.push(id), stats()),
        remembered: { get: () => memory, set: (id) => (memory = id) },
        focus,
        intervalMs: 3000,
      },
      true,
    );
    const watched = (): string | undefined => (monitor.view.hidden ? undefined : monitor.view.envId);
    return { monitor, focus, fetched, watched, remembered: () => memory };
  }

  it('watches the focused running environment over the remembered one, and returns to it when focus clears', async () => {
    const a = environment({ name: 'a-box', state: 'running' });
    const b = environment({ name: 'b-box', state: 'running' });
    const s = setup([a, b], a.id);
    expect(s.watched()).toBe(a.id);

    s.focus.set('notebook', b.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.watched()).toBe(b.id);
    expect(s.fetched.at(-1)).toBe(b.id);
    expect(s.remembered()).toBe(a.id); // following focus is not a choice of the user's

    s.focus.set('notebook', undefined);
    expect(s.watched()).toBe(a.id);
  });

  it('ignores a focus on an environment that does not run', () => {
    const a = environment({ name: 'a-box', state: 'running' });
    const stopped = environment({ name: 'z-box', state: 'stopped' });
    const s = setup([a, stopped]);
    s.focus.set('job', stopped.id);
    expect(s.watched()).toBe(a.id);
  });

  it('lets the user’s selection win until the focus moves again', () => {
    const a = environment({ name: 'a-box', state: 'running' });
    const b = environment({ name: 'b-box', state: 'running' });
    const c = environment({ name: 'c-box', state: 'running' });
    const s = setup([a, b, c]);
    s.focus.set('job', b.id);
    s.monitor.select(c.id);
    expect(s.watched()).toBe(c.id);
    s.focus.set('notebook', a.id);
    expect(s.watched()).toBe(a.id);
  });
});
