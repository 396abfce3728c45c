import { describe, expect, it } from 'vitest';
import { duration, exitStatusOf } from '../../../../backend/src/cli/commands/jobs.js';
import type { Job } from '../../../../backend/src/protocol/index.js';

const job = (patch: Partial<Job>): Job => ({
  id: 'job_abcdefgh12345678',
  envId: 'env_abcdefgh12345678',
  command: ['python3', 'train.py'],
  cwd: null,
  state: 'succeeded',
  exitCode: 0,
  reason: null,
  createdAt: '2026-11-27T10:00:00.000Z',
  startedAt: '2026-11-27T10:00:00.000Z',
  endedAt: '2026-11-27T10:00:05.000Z',
  peakMemoryMiB: null,
  logLines: 0,
  workspaceRoot: null,
  ...patch,
});

describe('mlwb run', () => {
  it('exits with the job’s exit code, 130 when it was cancelled, 1 when it failed without one', () => {
    expect(exitStatusOf(job({}))).toBe(0);
    expect(exitStatusOf(job({ state: 'failed', exitCode: 3 }))).toBe(3);
    expect(exitStatusOf(job({ state: 'failed', exitCode: 137, reason: 'out of memory (limit 256 MiB)' }))).toBe(137);
    expect(exitStatusOf(job({ state: 'cancelled', exitCode: 143 }))).toBe(130);
    expect(exitStatusOf(job({ state: 'failed', exitCode: null, reason: 'environment stopped' }))).toBe(1);
  });

  it('shows durations as people read them', () => {
    expect(duration(job({}))).toBe('5s');
    expect(duration(job({ endedAt: '2026-11-27T10:02:03.000Z' }))).toBe('2m03s');
    expect(duration(job({ endedAt: '2026-11-27T13:04:00.000Z' }))).toBe('3h04m');
    expect(duration(job({ startedAt: null, endedAt: null }))).toBe('-');
    expect(duration(job({ endedAt: null }), Date.parse('2026-11-27T10:00:42.000Z'))).toBe('42s');
  });
});
