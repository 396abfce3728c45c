import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvironmentService } from '../../../../backend/src/environments/service.js';
import { EventBus } from '../../../../backend/src/events/bus.js';
import { JobService } from '../../../../backend/src/jobs/service.js';
import type { Job, ServerEvent, User } from '../../../../backend/src/protocol/index.js';
import type { JobOutcome, JobSpec } from '../../../../backend/src/runtime/driver.js';
import { openDb } from '../../../../backend/src/store/db.js';
import { Store } from '../../../../backend/src/store/index.js';

type Run = (spec: JobSpec, out: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal) => Promise<JobOutcome>;
const ended = (o: Partial<JobOutcome> = {}): JobOutcome => ({ exitCode: 0, signal: null, oomKilled: false, peakMemoryMiB: 12, cancelled: false, ...o });

/**
 * The job service over a real store, bus and log files, with a driver that plays a job's run:
 * what is tested is the service's bookkeeping, not a driver (the integration suites run real ones).
 */
function setup(run: Run, maxLogBytes?: number) {
  const store = new Store(openDb(':memory:'));
  const bus = new EventBus();
  const user = store.users.create('ann', 'user') as User;
  const envRecord = store.environments.create(user.id, { spec: { name: 'e', image: 'python-cpu', packages: { apt: [], pip: [] }, env: {}, idleTimeoutMinutes: 0, priority: 50 }, resources: { cpus: 1, memoryMiB: 512, gpus: 0 } }, 'docker', true);
  store.environments.update(envRecord.env.id, { state: 'running' });
  const environments = {
    own: () => store.environments.get(envRecord.env.id)!,
    driver: { runJob: (_envId: string, spec: JobSpec, out: (stream: 'stdout' | 'stderr', chunk: Buffer) => void, signal: AbortSignal) => run(spec, out, signal) },
  } as unknown as EnvironmentService;
  const events: ServerEvent[] = [];
  bus.subscribe({ id: user.id, role: 'user' }, new Set(['jobs']), (e) => events.push(e));
  const jobs = new JobService(store, bus, environments, mkdtempSync(join(tmpdir(), 'mlwb-jobs-')), { info: () => undefined, warn: () => undefined }, maxLogBytes);
  const states = (id: string) => events.map((e) => e.payload as { data: Job }).filter((p) => p.data.id === id).map((p) => p.data.state);
  return { store, jobs, user, envId: envRecord.env.id, states };
}

describe('job service', () => {
  it('goes queued → running → succeeded, with the log framed by system lines', async () => {
    const { jobs, user, envId, states } = setup(async (_spec, out) => {
      out('stdout', Buffer.from('hello\nwor'));
      out('stderr', Buffer.from('warn\n'));
      out('stdout', Buffer.from('ld'));
      return ended();
    });
    const job = jobs.create(user, { envId, command: ['python3', 'my script.py'] });
    await jobs.idle();
    expect(states(job.id)).toEqual(['queued', 'running', 'succeeded']);
    const log = await jobs.readLog(user, job.id, 1, 100);
    expect(log.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [1, 'system', "running python3 'my script.py'"],
      [2, 'stdout', 'hello'],
      [3, 'stderr', 'warn'],
      [4, 'stdout', 'world'],
      [5, 'system', 'exited with code 0'],
    ]);
    expect(log).toMatchObject({ next: 6, complete: true });
    expect(jobs.view(jobs.own(user, job.id))).toMatchObject({ state: 'succeeded', exitCode: 0, logLines: 5, peakMemoryMiB: 12 });
  });

  it('cancels by aborting the driver’s run, once, and answers a finished job as it is', async () => {
    let aborts = 0;
    const { jobs, user, envId } = setup((_spec, _out, signal) => new Promise((resolve) => signal.addEventListener('abort', () => (aborts++, resolve(ended({ exitCode: 143, signal: 'SIGTERM', cancelled: true }))))));
    const job = jobs.create(user, { envId, command: ['sleep', '600'] });
    const cancelled = await jobs.cancel(user, job.id);
    expect(cancelled).toMatchObject({ state: 'cancelled', reason: 'cancelled by user', exitCode: 143 });
    expect(await jobs.cancel(user, job.id)).toEqual(cancelled);
    expect(aborts).toBe(1);
  });

  it('fails with "environment stopped" when the environment is not running at the end, and with the driver’s reason when it cannot run', async () => {
    const first = setup(async () => ended({ exitCode: 137, signal: 'SIGKILL' }));
    const job = first.jobs.create(first.user, { envId: first.envId, command: ['x'] });
    first.store.environments.update(first.envId, { state: 'stopping' });
    await first.jobs.idle();
    expect(first.jobs.own(first.user, job.id).job).toMatchObject({ state: 'failed', reason: 'environment stopped' });

    const second = setup(() => Promise.reject(new Error('pod mlwb-x is not running')));
    const refused = second.jobs.create(second.user, { envId: second.envId, command: ['x'] });
    await second.jobs.idle();
    expect(second.jobs.own(second.user, refused.id).job).toMatchObject({ state: 'failed', exitCode: null, reason: 'pod mlwb-x is not running' });
  });

  it('refuses a job on an environment that is not running (409) and hides other users’ jobs (404)', async () => {
    const { store, jobs, user, envId } = setup(async () => ended());
    const job = jobs.create(user, { envId, command: ['true'] });
    await jobs.idle();
    store.environments.update(envId, { state: 'stopped' });
    expect(() => jobs.create(user, { envId, command: ['true'] })).toThrow(/is stopped, not running/);
    const bob = store.users.create('bob', 'user') as User;
    expect(() => jobs.own(bob, job.id)).toThrow(/job not found/);
  });

  it('stops keeping output once the log is full, says so once, and still records how the job ended', async () => {
    const { jobs, user, envId } = setup(async (_spec, out) => {
      for (let i = 0; i < 100; i++) out('stdout', Buffer.from(`${'x'.repeat(100)}\n`));
      return ended();
    }, 2000);
    const job = jobs.create(user, { envId, command: ['yes'] });
    await jobs.idle();
    const { lines } = await jobs.readLog(user, job.id, 1, 1000);
    expect(lines.length).toBeLessThan(30);
    expect(lines.filter((l) => l.text.startsWith('the log is full'))).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ stream: 'system', text: 'exited with code 0' });
  });

  it('marks jobs left running by an earlier backend as failed "backend restarted"', async () => {
    const { store, jobs, user, envId } = setup(async () => ended());
    const left = store.jobs.create({ ownerId: user.id, envId, command: ['x'], cwd: null, workspaceRoot: null });
    store.jobs.update(left.job.id, { state: 'running' });
    await jobs.recover();
    expect(jobs.own(user, left.job.id).job).toMatchObject({ state: 'failed', reason: 'backend restarted', logLines: 1 });
    expect((await jobs.readLog(user, left.job.id, 1, 10)).complete).toBe(true);
  });
});
