import { describe, expect, it } from 'vitest';
import type { JobList } from '../../../../backend/src/protocol/index.js';
import { JobsModel } from '../../../../extension/src/jobs/model.js';
import { deferred, fakeApi, FakeLink, flush, linkedBackend } from '../../../fixtures/extension/environments.js';
import { emitJob, job } from './builders.js';

describe('JobsModel', () => {
  it('follows the jobs topic, lists, and applies changes that came while the list was on its way', async () => {
    const queued = job({ state: 'queued', envId: 'env_aaaaaaaa' });
    const answer = deferred<JobList>();
    const backend = linkedBackend(fakeApi({ listJobs: () => answer.promise }));
    const model = new JobsModel(new FakeLink(backend));
    expect(backend.events.subscribed.has('jobs')).toBe(true);
    emitJob(backend.events, { ...queued, state: 'running' });
    answer.resolve({ items: [queued] });
    await flush();
    expect(model.get(queued.id)?.state).toBe('running');
    emitJob(backend.events, { ...queued, state: 'failed', exitCode: 1 });
    expect(model.get(queued.id)?.state).toBe('failed');
    // An older change never takes a job back.
    emitJob(backend.events, { ...queued, state: 'running' });
    expect(model.get(queued.id)?.state).toBe('failed');
  });

  it("lists an environment's jobs newest first, and ignores malformed events", async () => {
    const older = job({ envId: 'env_aaaaaaaa' });
    const newer = job({ envId: 'env_aaaaaaaa' });
    const elsewhere = job({ envId: 'env_bbbbbbbb' });
    const backend = linkedBackend(fakeApi({ listJobs: () => ({ items: [older, newer, elsewhere] }) }));
    const model = new JobsModel(new FakeLink(backend));
    await flush();
    backend.events.emit('jobs', { kind: 'resource.changed', resource: 'job', resourceId: 'x', data: { id: 'x' } });
    expect(model.ofEnvironment('env_aaaaaaaa').map((j) => j.id)).toEqual([newer.id, older.id]);
  });

  it('forgets everything when the backend goes, lists again on reset, and says why a list failed', async () => {
    let fail = false;
    const one = job();
    const backend = linkedBackend(
      fakeApi({
        listJobs: () => {
          if (fail) throw new Error('no route');
          return { items: [one] };
        },
      }),
    );
    const link = new FakeLink(backend);
    const model = new JobsModel(link);
    let changes = 0;
    model.onDidChange(() => (changes += 1));
    await flush();
    expect(model.get(one.id)).toBeDefined();
    fail = true;
    backend.events.reset();
    await flush();
    expect(model.error).toBe('no route');
    link.set(undefined);
    expect(model.get(one.id)).toBeUndefined();
    expect(backend.events.subscribed.has('jobs')).toBe(false);
    expect(changes).toBeGreaterThanOrEqual(3);
  });
});
