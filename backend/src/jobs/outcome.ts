import type { JobState } from '../protocol/index.js';
import type { JobOutcome } from '../runtime/driver.js';

export const REASON_CANCELLED = 'cancelled by user';
export const REASON_ENV_STOPPED = 'environment stopped';
export const REASON_RESTARTED = 'backend restarted';

export const oomReason = (memoryLimitMiB: number | null): string => (memoryLimitMiB ? `out of memory (limit ${memoryLimitMiB} MiB)` : 'out of memory');

export interface Ending {
  state: Extract<JobState, 'succeeded' | 'failed' | 'cancelled'>;
  exitCode: number | null;
  reason: string | null;
}

export interface EndingInput {
  /** What the driver reported; absent when it failed to run the job at all. */
  outcome?: JobOutcome;
  /** Why the driver could not run it. */
  error?: string;
  cancelRequested: boolean;
  /** Whether the environment was still running when the job ended. */
  environmentRunning: boolean;
  memoryLimitMiB: number | null;
}

/**
 * How a job ended, in order of what explains it best: the user's cancel, the memory limit, the
 * environment going away, then the command's own exit.
 */
export function ending(input: EndingInput): Ending {
  const { outcome } = input;
  const exitCode = outcome?.exitCode ?? null;
  if (input.cancelRequested) return { state: 'cancelled', exitCode, reason: REASON_CANCELLED };
  if (!outcome) return { state: 'failed', exitCode: null, reason: input.error ?? 'the job could not be run' };
  if (outcome.oomKilled) return { state: 'failed', exitCode, reason: oomReason(input.memoryLimitMiB) };
  if (!input.environmentRunning) return { state: 'failed', exitCode, reason: REASON_ENV_STOPPED };
  if (exitCode === 0) return { state: 'succeeded', exitCode, reason: null };
  if (exitCode === null) return { state: 'failed', exitCode, reason: 'the job ended without an exit code' };
  return { state: 'failed', exitCode, reason: outcome.signal ? `killed by ${outcome.signal}` : `exit code ${exitCode}` };
}

/** The closing system line of a job's log. */
export function endingLine(end: Ending): string {
  if (end.state === 'succeeded') return 'exited with code 0';
  const code = end.exitCode === null || end.reason?.startsWith('exit code') ? '' : ` (exit code ${end.exitCode})`;
  return `${end.state === 'cancelled' ? 'cancelled' : 'failed'}: ${end.reason ?? 'unknown reason'}${code}`;
}
