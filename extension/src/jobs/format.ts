import type { Job } from '../../../backend/src/protocol/index.js';

/** `850 ms`, `3.2 s`, `2 min 5 s`, `1 h 4 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** How long the job ran (or has been running, at `now`); undefined before it started. */
export function jobDuration(job: Pick<Job, 'startedAt' | 'endedAt'>, now = Date.now()): number | undefined {
  if (!job.startedAt) return undefined;
  return (job.endedAt ? Date.parse(job.endedAt) : now) - Date.parse(job.startedAt);
}

/**
 * The command as a user would type it: arguments with spaces or quotes are quoted (for reading
 * only; jobs are never run through a shell).
 */
export function commandText(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Why a job failed, in words: `failed (exit 1)` for a plain exit (the backend's reason `exit code 1`),
 * `failed (killed by SIGKILL)`, else the backend's own reason (`out of memory (limit 512 MiB)`,
 * `environment stopped`), which says more than "failed".
 */
export function failureWords(job: Pick<Job, 'exitCode' | 'reason'>): string {
  const { reason, exitCode } = job;
  if (!reason || /^exit code \d+$/.test(reason)) return exitCode === null ? 'failed' : `failed (exit ${exitCode})`;
  if (/^killed by /.test(reason)) return `failed (${reason})`;
  return reason;
}

/**
 * The line that ends a job's log: `✔ succeeded in 3.2 s`, `✖ failed (exit 1)`,
 * `✖ out of memory (limit 512 MiB)`, `✖ cancelled (cancelled by user)`.
 */
export function finalLine(job: Job): string {
  const took = jobDuration(job);
  switch (job.state) {
    case 'succeeded':
      return `✔ succeeded${took === undefined ? '' : ` in ${formatDuration(took)}`}`;
    case 'failed':
      return `✖ ${failureWords(job)}`;
    case 'cancelled':
      return `✖ cancelled${job.reason && job.reason !== 'cancelled' ? ` (${job.reason})` : ''}`;
    default:
      return `… ${job.state}`;
  }
}
