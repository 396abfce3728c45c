import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { EnvVarName } from './environments.js';

/**
 * Jobs: a command run inside a running environment, with its own state, exit code and a stored,
 * sequenced log.
 *
 * Live logs and resuming: every log line has a `seq` (1, 2, 3, … per job). Lines are published on
 * topic `logs:<jobId>` as `log` events carrying `seq`, and stored so `jobLog` serves them later. A
 * client that (re)connects subscribes to `logs:<jobId>` first, then fetches `jobLog?from=<last
 * seq it has + 1>` until `next` stops moving, and drops every WebSocket line whose `seq` is at most
 * the last one it has. That way nothing is lost between the fetch and the subscription and nothing
 * is shown twice. `complete: true` means the job has ended and no line follows `next - 1`.
 * Job state changes are published on topic `jobs` as `resource.created` / `resource.changed` events
 * with the Job as `data`.
 */

export const JobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/** States a job never leaves. */
export const FINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export const JobStream = z.enum(['stdout', 'stderr', 'system']);
export type JobStream = z.infer<typeof JobStream>;

export const Job = z.object({
  id: Id,
  envId: Id,
  command: z.array(z.string()),
  /** Working directory inside the environment; null runs in the environment's workspace. */
  cwd: z.string().nullable(),
  state: JobState,
  exitCode: z.number().int().nullable(),
  /** Why it ended the way it did: `out of memory (limit 512 MiB)`, `cancelled by user`, `environment stopped`. */
  reason: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  /** Peak memory of the job's process tree (or its cgroup), when the driver can measure it. */
  peakMemoryMiB: z.number().nullable(),
  /** Lines stored so far; the last line's seq equals this count. */
  logLines: z.number().int().nonnegative(),
  /** Where the workspace was synced to inside the environment, so clients map traceback paths back. */
  workspaceRoot: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

/** A path inside the environment: absolute or relative to the workspace, no NUL, bounded. */
const EnvPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

export const CreateJobBody = z.strictObject({
  envId: Id,
  command: z
    .array(z.string().max(32 * 1024).refine((a) => !a.includes('\0'), 'must not contain NUL'))
    .min(1, 'must name a program')
    .max(1000),
  cwd: EnvPath.optional(),
  env: z
    .record(EnvVarName, z.string().max(32 * 1024))
    .refine((r) => Object.keys(r).length <= 100, 'at most 100 variables')
    .optional(),
  workspaceRoot: EnvPath.optional(),
});
export type CreateJobBody = z.input<typeof CreateJobBody>;

export const JobList = z.object({ items: z.array(Job) });
export type JobList = z.infer<typeof JobList>;

export const JobListQuery = z.strictObject({
  envId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type JobListQuery = z.input<typeof JobListQuery>;

export const JobLogQuery = z.strictObject({
  /** First seq wanted (1-based). */
  from: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type JobLogQuery = z.input<typeof JobLogQuery>;

export const JobLogLine = z.object({
  seq: z.number().int().positive(),
  stream: JobStream,
  text: z.string(),
  at: Timestamp,
});
export type JobLogLine = z.infer<typeof JobLogLine>;

export const JobLog = z.object({
  lines: z.array(JobLogLine),
  /** The seq to ask for next. */
  next: z.number().int().positive(),
  /** The job has ended and there is no line at or after `next`. */
  complete: z.boolean(),
});
export type JobLog = z.infer<typeof JobLog>;
