import { describe, expect, it } from 'vitest';
import { commandText, finalLine, formatDuration } from '../../../../extension/src/jobs/format.js';
import { describeJob, jobRow, jobRows, JOBS_PER_ENVIRONMENT } from '../../../../extension/src/jobs/rows.js';
import { ResourceList } from '../../../../extension/src/views/resourceList.js';
import { job } from './builders.js';

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

describe('job formatting', () => {
  it('words durations for people', () => {
    expect([formatDuration(850), formatDuration(3240), formatDuration(125_000), formatDuration(3_840_000)]).toEqual(['850 ms', '3.2 s', '2 min 5 s', '1 h 4 min']);
  });

  it('quotes arguments a shell would split, for reading only', () => {
    expect(commandText(['python3', 'train.py', '--name', 'my run', "it's"])).toBe(`python3 train.py --name 'my run' 'it'\\''s'`);
  });

  it('ends a log with the outcome, the reason the backend gave, or the exit code', () => {
    const ran = { startedAt: at(0), endedAt: at(3) };
    expect(finalLine(job({ ...ran, state: 'succeeded', exitCode: 0 }))).toBe('✔ succeeded in 3.0 s');
    expect(finalLine(job({ ...ran, state: 'failed', exitCode: 1 }))).toBe('✖ failed (exit 1)');
    expect(finalLine(job({ ...ran, state: 'failed', exitCode: 2, reason: 'exit code 2' }))).toBe('✖ failed (exit 2)');
    expect(finalLine(job({ ...ran, state: 'failed', exitCode: null, reason: 'killed by SIGKILL' }))).toBe('✖ failed (killed by SIGKILL)');
    expect(finalLine(job({ ...ran, state: 'failed', exitCode: 1, reason: 'environment stopped' }))).toBe('✖ environment stopped');
    expect(finalLine(job({ ...ran, state: 'failed', exitCode: 137, reason: 'out of memory (limit 512 MiB)' }))).toBe('✖ out of memory (limit 512 MiB)');
    expect(finalLine(job({ ...ran, state: 'cancelled', reason: 'cancelled by user' }))).toBe('✖ cancelled (cancelled by user)');
  });
});

describe('job rows', () => {
  it('shows the command, the state with its duration, and opens the log on click', () => {
    const row = jobRow(job({ id: 'job_abcdefgh', state: 'failed', exitCode: 1, reason: 'exit code 1', startedAt: at(0), endedAt: at(2) }), 'mlwb.job.showLog');
    expect(row).toMatchObject({
      id: 'job_abcdefgh',
      label: 'python3 train.py',
      description: 'failed (exit 1) · 2.0 s',
      icon: 'error',
      iconColor: 'charts.red',
      contextValue: 'job.failed',
      command: { command: 'mlwb.job.showLog', arguments: ['job_abcdefgh'] },
    });
    expect(typeof row.tooltip === 'object' && row.tooltip.markdown).toContain('`job_abcdefgh`');
  });

  it('words a running job with the time so far, a queued one without, and an out-of-memory one by its reason', () => {
    const now = Date.parse(at(12));
    expect(describeJob(job({ state: 'running', startedAt: at(0) }), now)).toBe('running · 12.0 s');
    expect(describeJob(job({ state: 'queued', startedAt: null }), now)).toBe('queued');
    expect(describeJob(job({ state: 'failed', reason: 'out of memory (limit 512 MiB)', startedAt: at(0), endedAt: at(1) }), now)).toBe('out of memory (limit 512 MiB) · 1.0 s');
  });

  it('shows only the most recent jobs of an environment', () => {
    const many = Array.from({ length: JOBS_PER_ENVIRONMENT + 5 }, () => job());
    expect(jobRows(many, 'x').map((r) => r.id)).toEqual(many.slice(0, JOBS_PER_ENVIRONMENT).map((j) => j.id));
  });
});

describe('jobs under environment rows', () => {
  it('a ResourceList gives rows the children a feature supplies, and tells its view when they change', () => {
    const list = new ResourceList();
    list.replace([{ id: 'env_aaaaaaaa', label: 'gpu-box' }]);
    let changes = 0;
    list.onDidChange(() => (changes += 1));
    expect(list.childrenOf(list.items[0]!)).toEqual([]);
    const jobs = [job({ envId: 'env_aaaaaaaa' })];
    list.setChildren((row) => (row.id === 'env_aaaaaaaa' ? jobRows(jobs, 'mlwb.job.showLog') : []));
    expect(list.childrenOf(list.items[0]!).map((r) => r.id)).toEqual([jobs[0]!.id]);
    expect(changes).toBe(1);
    jobs.unshift(job({ envId: 'env_aaaaaaaa' }));
    list.childrenChanged();
    expect(changes).toBe(2);
    expect(list.childrenOf(list.items[0]!)).toHaveLength(2);
  });
});
