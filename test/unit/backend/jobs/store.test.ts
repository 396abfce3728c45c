import { describe, expect, it } from 'vitest';
import { CreateJobBody } from '../../../../backend/src/protocol/index.js';
import { openDb } from '../../../../backend/src/store/db.js';
import { Store } from '../../../../backend/src/store/index.js';

function store(): { store: Store; owner: string; other: string } {
  const s = new Store(openDb(':memory:'));
  return { store: s, owner: s.users.create('ann', 'user').id, other: s.users.create('bob', 'user').id };
}

describe('job store (migration 4)', () => {
  it('creates a queued job with a job_ id and reads it back as the API shape', () => {
    const { store: s, owner } = store();
    const { job, ownerId } = s.jobs.create({ ownerId: owner, envId: 'env_abcdefgh12345678', command: ['python', 'a b.py'], cwd: 'src', workspaceRoot: '/home/mlwb/work/proj' });
    expect(ownerId).toBe(owner);
    expect(job).toMatchObject({ state: 'queued', command: ['python', 'a b.py'], cwd: 'src', exitCode: null, logLines: 0, workspaceRoot: '/home/mlwb/work/proj' });
    expect(job.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    expect(s.jobs.get(job.id)!.job).toEqual(job);
  });

  it('applies a transition and lists newest first, by owner, environment and state', () => {
    const { store: s, owner, other } = store();
    const a = s.jobs.create({ ownerId: owner, envId: 'env_aaaaaaaa', command: ['a'], cwd: null, workspaceRoot: null }).job;
    const b = s.jobs.create({ ownerId: owner, envId: 'env_bbbbbbbb', command: ['b'], cwd: null, workspaceRoot: null }).job;
    s.jobs.create({ ownerId: other, envId: 'env_aaaaaaaa', command: ['c'], cwd: null, workspaceRoot: null });
    const ended = s.jobs.update(a.id, { state: 'failed', exitCode: 137, reason: 'out of memory (limit 256 MiB)', endedAt: new Date().toISOString(), peakMemoryMiB: 255.5, logLines: 12 })!.job;
    expect(ended).toMatchObject({ state: 'failed', exitCode: 137, reason: 'out of memory (limit 256 MiB)', peakMemoryMiB: 255.5, logLines: 12 });
    expect(s.jobs.list({ ownerId: owner }).map((r) => r.job.id)).toEqual([b.id, a.id]);
    expect(s.jobs.list({ ownerId: owner, envId: 'env_aaaaaaaa' }).map((r) => r.job.id)).toEqual([a.id]);
    expect(s.jobs.list({ states: ['queued', 'running'] })).toHaveLength(2);
    expect(s.jobs.list({ ownerId: owner, limit: 1 })).toHaveLength(1);
  });
});

describe('create-job body', () => {
  const envId = 'env_abcdefgh12345678';
  const issues = (body: unknown): string[] => {
    const r = CreateJobBody.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  it('needs a program, bounds the arguments and refuses unknown fields', () => {
    expect(issues({ envId, command: ['python', 'x.py'] })).toEqual([]);
    expect(issues({ envId, command: [] })).toEqual(['command']);
    expect(issues({ envId, command: Array(1001).fill('x') })).toEqual(['command']);
    expect(issues({ envId, command: ['a\0b'] })).toEqual(['command.0']);
    expect(issues({ envId, command: ['x'], shell: true })).toEqual(['']);
    expect(issues({ envId: 'nope', command: ['x'] })).toEqual(['envId']);
    expect(issues({ envId, command: ['x'], env: { 'BAD-NAME': 'v' } })).toEqual(['env.BAD-NAME']);
  });
});
