import { FINAL_JOB_STATES, type Job, type JobLogLine } from '../protocol/index.js';
import { ApiError } from './errors.js';
import { EventStream } from './events.js';
import type { ApiClient } from './http.js';

/** Lines asked for per request while catching up. */
const PAGE = 5000;
const RETRY_MS = 1000;
const MAX_RETRIES = 60;

const isTransient = (err: unknown): boolean => err instanceof ApiError && (err.code === 'unreachable' || err.status >= 500);

export interface FollowOptions {
  /** Keep following until the job ends; without it, print what is stored and stop. */
  follow: boolean;
  /** First seq wanted (default 1). */
  from?: number;
}

export interface JobLogFollower {
  /** The job as it ended (follow) or as it is now (no follow), once every line was delivered. */
  done: Promise<Job>;
  close(): void;
}

/**
 * Delivers a job's log lines exactly once and in order (by `seq`), live or stored. It subscribes to
 * `logs:<jobId>` and `jobs` first, then reads the stored log over HTTP from the last seq it
 * delivered; socket lines at or below that seq are dropped, a socket line after a gap triggers
 * another read. Every (re)connect and every reset reads again, so a dropped connection loses nothing.
 */
export function followJobLog(client: ApiClient, jobId: string, onLine: (line: JobLogLine) => void, options: FollowOptions): JobLogFollower {
  let last = (options.from ?? 1) - 1;
  let settle!: { resolve: (job: Job) => void; reject: (err: unknown) => void };
  const done = new Promise<Job>((resolve, reject) => (settle = { resolve, reject }));
  let finished = false;
  let reading: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const deliver = (line: JobLogLine): boolean => {
    if (line.seq <= last) return true;
    if (line.seq !== last + 1) return false;
    last = line.seq;
    onLine(line);
    return true;
  };

  const finish = (job: Job | Error): void => {
    if (finished) return;
    finished = true;
    clearTimeout(retryTimer);
    stream?.close();
    if (job instanceof Error) settle.reject(job);
    else settle.resolve(job);
  };

  /** Reads stored lines until none is left; ends the follower when the log is complete (or when not following). */
  const readStored = async (): Promise<void> => {
    for (;;) {
      const page = await client.call('jobLog', { params: { id: jobId }, query: { from: last + 1, limit: PAGE } });
      page.lines.forEach(deliver);
      if (page.complete || (!options.follow && page.lines.length < PAGE)) return finish(await client.call('getJob', { params: { id: jobId } }));
      if (page.lines.length < PAGE) return;
    }
  };

  /** One read at a time; a request while one runs makes it run once more. */
  const catchUp = (): void => {
    if (finished) return;
    if (reading) {
      again = true;
      return;
    }
    reading = readStored()
      .then(() => void (failures = 0))
      .catch((err: unknown) => {
        // a dropped connection (or a backend restarting) is retried while following; an answer like 404 is final
        if (options.follow && isTransient(err) && ++failures <= MAX_RETRIES) retryTimer = setTimeout(catchUp, RETRY_MS);
        else finish(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          catchUp();
        }
      });
  };

  const stream = options.follow ? new EventStream({ url: client.options.url, token: client.options.token ?? '', ca: client.options.ca, topics: [`logs:${jobId}`, 'jobs'] }) : undefined;
  if (stream) {
    stream.on('event', (event) => {
      const p = event.payload;
      if (event.topic === `logs:${jobId}` && p.kind === 'log' && p.seq !== undefined) {
        if (!deliver({ seq: p.seq, stream: p.stream, text: p.line, at: event.at })) catchUp();
      } else if (p.kind === 'resource.changed' && p.resourceId === jobId && FINAL_JOB_STATES.includes((p.data as Job).state)) {
        catchUp();
      }
    });
    stream.on('state', (state) => state === 'open' && catchUp());
    stream.on('reset', catchUp);
    stream.start();
  } else {
    catchUp();
  }
  return { done, close: () => finish(new Error('stopped following')) };
}
