import { describe, expect, it } from 'vitest';
import type { Environment } from '../../../backend/src/protocol/index.js';
import { progressMessage, StartupError, StartupTracker, type StartupSource } from '../../../extension/src/environments/progress.js';
import { environment, later } from '../../fixtures/extension/environments.js';

/** A source the test drives: it sets the environment (or removes it) and sends log lines. */
function source(now?: Environment) {
  const watchers = new Set<(env: Environment | undefined, known: boolean) => void>();
  const loggers = new Set<(line: string) => void>();
  let current = now;
  const src: StartupSource = {
    watch: (_id, fn) => (watchers.add(fn), () => watchers.delete(fn)),
    current: () => current,
    logs: (_id, fn) => (loggers.add(fn), () => loggers.delete(fn)),
  };
  return {
    src,
    set: (env: Environment | undefined, known = true) => {
      current = env;
      watchers.forEach((fn) => fn(env, known));
    },
    log: (line: string) => loggers.forEach((fn) => fn(line)),
    listeners: () => watchers.size + loggers.size,
  };
}

describe('StartupTracker', () => {
  it('reports each state and the latest log line, and resolves when the environment runs', async () => {
    const s = source();
    const queued = environment({ name: 'box', state: 'queued', queuePosition: 2 });
    const messages: string[] = [];
    const tracker = new StartupTracker(s.src, queued, (m) => messages.push(m));
    s.set(later(queued, 10, { state: 'building', queuePosition: null }));
    s.log('Step 1/3 : FROM mlwb/python-cpu:0.1.0');
    s.set(later(queued, 20, { state: 'starting' }));
    const running = later(queued, 30, { state: 'running' });
    s.set(running);
    await expect(tracker.done).resolves.toEqual(running);
    expect(messages).toEqual(['#2 in queue…', 'building the image…', 'building the image: Step 1/3 : FROM mlwb/python-cpu:0.1.0', 'starting…']);
    expect(s.listeners()).toBe(0);
  });

  it('starts from what the model knows when events overtook the answer (even running already)', async () => {
    const queued = environment({ name: 'box', state: 'queued', queuePosition: 1 });
    const building = source(later(queued, 10, { state: 'building' }));
    const messages: string[] = [];
    const tracker = new StartupTracker(building.src, queued, (m) => messages.push(m));
    expect(messages).toEqual(['#1 in queue…', 'building the image…']);
    building.set(later(queued, 20, { state: 'running' }));
    await expect(tracker.done).resolves.toMatchObject({ state: 'running' });

    const ran = source(later(queued, 10, { state: 'running' }));
    await expect(new StartupTracker(ran.src, queued, () => undefined).done).resolves.toMatchObject({ state: 'running' });
    expect(ran.listeners()).toBe(0);
  });

  it('names only the first line of a long failure reason (a whole build log) in its message', async () => {
    const s = source();
    const building = environment({ name: 'box', state: 'building' });
    const tracker = new StartupTracker(s.src, building, () => undefined);
    const reason = "package install failed: The command 'apt-get install nosuch' returned a non-zero code: 100\nStep 1/9 : FROM sha256:92bb\n ---> 92bb";
    s.set(later(building, 10, { state: 'failed', reason }));
    await expect(tracker.done).rejects.toMatchObject({
      message: "box failed: package install failed: The command 'apt-get install nosuch' returned a non-zero code: 100",
      reason,
    });
  });

  it('rejects with the reason when the environment fails', async () => {
    const s = source();
    const queued = environment({ name: 'box', state: 'building' });
    const tracker = new StartupTracker(s.src, queued, () => undefined);
    s.set(later(queued, 10, { state: 'failed', reason: 'E: Unable to locate package nosuchpkg' }));
    const error = await tracker.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ outcome: 'failed', reason: 'E: Unable to locate package nosuchpkg', message: 'box failed: E: Unable to locate package nosuchpkg' });
    expect(s.listeners()).toBe(0);
  });

  it('rejects when the environment is stopped or deleted meanwhile', async () => {
    const s = source();
    const queued = environment({ name: 'box', state: 'queued' });
    const stopped = new StartupTracker(s.src, queued, () => undefined);
    s.set(later(queued, 10, { state: 'stopped', reason: 'cancelled while queued' }));
    await expect(stopped.done).rejects.toMatchObject({ outcome: 'stopped', message: 'box was stopped: cancelled while queued' });

    const gone = source(queued);
    const deleted = new StartupTracker(gone.src, queued, () => undefined);
    gone.set(undefined);
    await expect(deleted.done).rejects.toMatchObject({ outcome: 'deleted' });
  });

  it('is not ended by stale updates (a restart\'s own "stopped" arriving after its answer) nor by a reconnect', async () => {
    const s = source();
    const queued = environment({ name: 'box', state: 'queued' });
    const messages: string[] = [];
    const tracker = new StartupTracker(s.src, queued, (m) => messages.push(m));
    s.set({ ...queued, state: 'stopped' }); // same time as the answer: stale
    s.set(later(queued, -5, { state: 'failed', reason: 'an earlier run' }));
    s.set({ ...queued, queuePosition: 1 }); // positions move without a new timestamp
    s.set(undefined, false); // the backend is reconnecting: nothing is known
    expect(messages).toEqual(['queued…', '#1 in queue…', '#1 in queue… (waiting for the backend)']);
    s.set(later(queued, 10, { state: 'running' }));
    await expect(tracker.done).resolves.toMatchObject({ state: 'running' });
  });

  it('settles at once when the answer itself is final', async () => {
    const s = source();
    await expect(new StartupTracker(s.src, environment({ state: 'running' }), () => undefined).done).resolves.toMatchObject({ state: 'running' });
    await expect(new StartupTracker(s.src, environment({ state: 'failed', reason: 'no image' }), () => undefined).done).rejects.toMatchObject({ reason: 'no image' });
    expect(s.listeners()).toBe(0);
  });

  it('keeps progress messages short, and skips blank log lines', () => {
    const s = source();
    const messages: string[] = [];
    new StartupTracker(s.src, environment({ state: 'building' }), (m) => messages.push(m));
    s.log('   ');
    expect(messages).toEqual(['building the image…']);
    const msg = progressMessage(environment({ state: 'building' }), 'x'.repeat(500));
    expect(msg.length).toBeLessThanOrEqual('building the image: '.length + 120);
    expect(msg.endsWith('…')).toBe(true);
  });
});
