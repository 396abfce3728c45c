import { FINAL_JOB_STATES, Job, type JobState, type ServerEvent } from '../../../backend/src/protocol/index.js';

/** The topic on which the backend publishes every change of the user's jobs. */
export const JOBS_TOPIC = 'jobs';

/** The topic of one job's log lines (each with its `seq`). */
export const jobLogsTopic = (jobId: string): `logs:${string}` => `logs:${jobId}`;

export const isFinal = (state: JobState): boolean => FINAL_JOB_STATES.includes(state);

/**
 * The job an event on the `jobs` topic carries, or undefined for anything else. The payload's data
 * is validated here: the protocol leaves it `unknown`, and a malformed one must not reach the view.
 */
export function jobFromEvent(event: ServerEvent): Job | undefined {
  const { payload } = event;
  if (event.topic !== JOBS_TOPIC || (payload.kind !== 'resource.created' && payload.kind !== 'resource.changed')) return undefined;
  if (payload.resource !== 'job') return undefined;
  const parsed = Job.safeParse(payload.data);
  return parsed.success ? parsed.data : undefined;
}

const RANK: Record<JobState, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

/**
 * Whether `next` may replace `known`: a job never goes back (a list fetched while events were in
 * flight may be newer than the events that follow it), and within a state its log only grows.
 */
export function isNewer(known: Job | undefined, next: Job): boolean {
  if (!known) return true;
  if (RANK[next.state] !== RANK[known.state]) return RANK[next.state] > RANK[known.state];
  if (isFinal(known.state)) return false;
  return next.logLines >= known.logLines;
}
