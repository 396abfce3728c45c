import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../backend/src/client/index.js';
import type { Job, JobLog } from '../../../../backend/src/protocol/index.js';
import { JobLogFollower, type FollowedLine } from '../../../../extension/src/jobs/follower.js';
import { deferred, fakeApi, FakeEvents, FakeLink, flush, linkedBackend } from '../../../fixtures/extension/environments.js';
import { emitJob, job, StoredLog } from './builders.js';

function follow(log: StoredLog, value: Job, options: { jobLog?: (from: number, limit: number) => JobLog | Promise<JobLog> } = {}) {
  const api = fakeApi({
    jobLog: ({ query }) => (options.jobLog ?? ((f, l) => log.answer(f, l)))(Number(query?.from ?? 1), Number(query?.limit ?? 1000)),
    getJob: () => ({ ...value, state: 'succeeded', exitCode: 0, logLines: log.lines.length }),
  });
  const backend = linkedBackend(api);
  const link = new FakeLink(backend);
  const lines: FollowedLine[] = [];
  const ended: Job[] = [];
  const troubles: string[] = [];
  const follower = new JobLogFollower(link, value.id, { line: (l) => lines.push(l), end: (j) => ended.push(j), trouble: (m) => troubles.push(m) });
  return { api, backend, link, lines, ended, troubles, follower, seqs: () => lines.map((l) => l.seq) };
}

describe('JobLogFollower', () => {
  it('writes the stored lines, then live ones, subscribing before it fetches', async () => {
    const log = new StoredLog();
    log.add('one');
    log.add('two', 'stderr');
    const value = job();
    const f = follow(log, value);
    expect(f.backend.events.subscribed.has(`logs:${value.id}`)).toBe(true);
    expect(f.backend.events.subscribed.has('jobs')).toBe(true);
    await flush();
    log.publish(f.backend.events, value.id, 'three');
    expect(f.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [1, 'stdout', 'one'],
      [2, 'stderr', 'two'],
      [3, 'stdout', 'three'],
    ]);
  });

  it('drops live lines it fetched already, and keeps the ones that arrive during the fetch in order', async () => {
    const log = new StoredLog();
    log.add('one');
    const answer = deferred<JobLog>();
    let first = true;
    const value = job();
    const f = follow(log, value, {
      jobLog: (from, limit) => {
        if (!first) return log.answer(from, limit);
        first = false;
        return answer.promise;
      },
    });
    // Lines 2 and 3 are stored and published while the first page is on its way; the page holds line 2.
    log.publish(f.backend.events, value.id, 'two');
    const page = log.answer(1);
    log.publish(f.backend.events, value.id, 'three');
    answer.resolve(page);
    await flush();
    log.publish(f.backend.events, value.id, 'four');
    expect(f.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('fills a gap between live lines from the stored log (events lost while reconnecting)', async () => {
    const log = new StoredLog();
    const value = job();
    const f = follow(log, value);
    await flush();
    log.publish(f.backend.events, value.id, 'one');
    log.add('two'); // its event never arrives
    log.add('three');
    log.publish(f.backend.events, value.id, 'four');
    await flush();
    expect(f.seqs()).toEqual([1, 2, 3, 4]);
  });

  it('resumes on a new backend session from the last line it wrote, without duplicates', async () => {
    const log = new StoredLog();
    const value = job();
    const f = follow(log, value);
    await flush();
    for (let i = 1; i <= 5; i += 1) log.publish(f.backend.events, value.id, `line ${i}`);
    f.link.set(undefined); // the connection drops; the job goes on
    for (let i = 6; i <= 8; i += 1) log.add(`line ${i}`);
    const events = new FakeEvents();
    const api = fakeApi({ jobLog: ({ query }) => log.answer(Number(query?.from)), getJob: () => value });
    f.link.set(linkedBackend(api, events));
    expect(events.subscribed.has(`logs:${value.id}`)).toBe(true);
    // A line published while the catch-up fetch is on its way is written once.
    log.publish(events, value.id, 'line 9');
    await flush();
    log.publish(events, value.id, 'line 10');
    expect(f.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((api.calls[0]?.input as { query: { from: number } }).query.from).toBe(6);
  });

  it('catches up when the stream says it could not resume, and when it opens again', async () => {
    const log = new StoredLog();
    const value = job();
    const f = follow(log, value);
    await flush();
    log.add('missed 1');
    f.backend.events.reset();
    await flush();
    log.add('missed 2');
    f.backend.events.setState('open');
    await flush();
    expect(f.lines.map((l) => l.text)).toEqual(['missed 1', 'missed 2']);
  });

  it('pages through a long stored log and ends with the job once the log is complete', async () => {
    const log = new StoredLog();
    for (let i = 1; i <= 2500; i += 1) log.add(`l${i}`);
    log.complete = true;
    const value = job({ state: 'succeeded' });
    const f = follow(log, value);
    await flush();
    await flush();
    expect(f.seqs()).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(f.ended.map((j) => j.state)).toEqual(['succeeded']);
    expect(f.backend.events.subscribed.has(`logs:${value.id}`)).toBe(false);
    expect(f.api.calls.filter((c) => c.name === 'jobLog')).toHaveLength(3);
  });

  it('when the job ends, fetches the lines it has not seen and then ends, once', async () => {
    const log = new StoredLog();
    const value = job();
    const f = follow(log, value);
    await flush();
    log.publish(f.backend.events, value.id, 'working');
    log.add('Traceback (most recent call last):', 'stderr'); // published, but lost
    log.complete = true;
    emitJob(f.backend.events, { ...value, state: 'failed', exitCode: 1 });
    emitJob(f.backend.events, { ...value, state: 'failed', exitCode: 1 });
    await flush();
    await flush();
    expect(f.lines.map((l) => l.text)).toEqual(['working', 'Traceback (most recent call last):']);
    expect(f.ended).toHaveLength(1);
    expect(f.follower.done).toBe(true);
  });

  it('reports a failed fetch and tries again when the connection comes back', async () => {
    const log = new StoredLog();
    log.add('one');
    let fail = true;
    const value = job();
    const f = follow(log, value, {
      jobLog: (from) => {
        if (fail) throw new ApiError(503, 'engine_error', 'backend busy');
        return log.answer(from);
      },
    });
    await flush();
    expect(f.troubles).toEqual(['backend busy']);
    fail = false;
    f.backend.events.setState('open');
    await flush();
    expect(f.seqs()).toEqual([1]);
  });

  it('lets go of its topics when disposed and writes nothing more', async () => {
    const log = new StoredLog();
    const value = job();
    const f = follow(log, value);
    await flush();
    f.follower.dispose();
    expect(f.backend.events.subscribed.size).toBe(0);
    log.publish(f.backend.events, value.id, 'late');
    expect(f.lines).toEqual([]);
  });
});
