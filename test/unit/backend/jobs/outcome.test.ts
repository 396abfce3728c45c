import { describe, expect, it } from 'vitest';
import { ending, endingLine, oomReason } from '../../../../backend/src/jobs/outcome.js';
import type { JobOutcome } from '../../../../backend/src/runtime/driver.js';

const outcome = (o: Partial<JobOutcome>): JobOutcome => ({ exitCode: 0, signal: null, oomKilled: false, peakMemoryMiB: 10, cancelled: false, ...o });
const base = { cancelRequested: false, environmentRunning: true, memoryLimitMiB: 512 };

describe('how a job ended', () => {
  it('succeeds on exit code 0 and fails with the exit code otherwise', () => {
    expect(ending({ ...base, outcome: outcome({}) })).toEqual({ state: 'succeeded', exitCode: 0, reason: null });
    expect(ending({ ...base, outcome: outcome({ exitCode: 3 }) })).toEqual({ state: 'failed', exitCode: 3, reason: 'exit code 3' });
    expect(ending({ ...base, outcome: outcome({ exitCode: 139, signal: 'SIGSEGV' }) })).toEqual({ state: 'failed', exitCode: 139, reason: 'killed by SIGSEGV' });
  });

  it('names the memory limit when the kernel killed it for memory', () => {
    expect(ending({ ...base, outcome: outcome({ exitCode: 137, signal: 'SIGKILL', oomKilled: true }) })).toEqual({ state: 'failed', exitCode: 137, reason: 'out of memory (limit 512 MiB)' });
    expect(oomReason(256)).toBe('out of memory (limit 256 MiB)');
    expect(oomReason(null)).toBe('out of memory');
  });

  it('is cancelled when the user cancelled, whatever the command did then', () => {
    expect(ending({ ...base, cancelRequested: true, outcome: outcome({ exitCode: 143, signal: 'SIGTERM', cancelled: true }) })).toEqual({ state: 'cancelled', exitCode: 143, reason: 'cancelled by user' });
    expect(ending({ ...base, cancelRequested: true, error: 'engine gone' })).toMatchObject({ state: 'cancelled' });
  });

  it('fails with "environment stopped" when its environment went away under it', () => {
    expect(ending({ ...base, environmentRunning: false, outcome: outcome({ exitCode: 137, signal: 'SIGKILL' }) })).toEqual({ state: 'failed', exitCode: 137, reason: 'environment stopped' });
    expect(ending({ ...base, environmentRunning: false, outcome: outcome({ exitCode: null }) })).toMatchObject({ reason: 'environment stopped' });
  });

  it('fails with the driver’s reason when it could not run at all', () => {
    expect(ending({ ...base, error: 'pod mlwb-x is not running' })).toEqual({ state: 'failed', exitCode: null, reason: 'pod mlwb-x is not running' });
  });

  it('closes the log with one line that says so', () => {
    expect(endingLine({ state: 'succeeded', exitCode: 0, reason: null })).toBe('exited with code 0');
    expect(endingLine({ state: 'failed', exitCode: 3, reason: 'exit code 3' })).toBe('failed: exit code 3');
    expect(endingLine({ state: 'failed', exitCode: 137, reason: 'out of memory (limit 256 MiB)' })).toBe('failed: out of memory (limit 256 MiB) (exit code 137)');
    expect(endingLine({ state: 'cancelled', exitCode: null, reason: 'cancelled by user' })).toBe('cancelled: cancelled by user');
  });
});
