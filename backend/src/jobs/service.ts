import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HttpError, notFound } from '../api/errors.js';
import type { EnvironmentService } from '../environments/service.js';
import type { EventBus } from '../events/bus.js';
import { FINAL_JOB_STATES, type CreateJobBody, type Environment, type Job, type JobLog, type JobStream, type User } from '../protocol/index.js';
import type { JobOutcome } from '../runtime/driver.js';
import type { JobRecord } from '../store/jobs.js';
import type { Store } from '../store/index.js';
import { LineSplitter } from './line-splitter.js';
import { JobLogWriter, readLog, scanLog, type LogPosition } from './log-file.js';
import { ending, endingLine, REASON_RESTARTED } from './outcome.js';

/** How long a cancel request waits for the job to end before answering with the job as it is. */
const CANCEL_WAIT_MS = 15_000;
/** Positions of finished jobs' logs kept in memory (each a few numbers per thousand lines). */
const POSITION_CACHE = 200;

type Logger = { info(m: string): void; warn(m: string): void };

interface ActiveJob {
  ownerId: string;
  abort: AbortController;
  writer: JobLogWriter;
  cancelRequested: boolean;
  /** The log reached its size limit: further output is dropped (the job runs on). */
  full: boolean;
  done: Promise<void>;
}

/** A job's stored log stops growing here (a runaway loop must not fill the disk); the job itself runs on. */
export const MAX_LOG_BYTES = 1024 ** 3;

/** `python train.py --lr 0.1`: arguments quoted as a shell would need them; control characters escaped, so it stays one line. */
const commandLine = (command: string[]): string =>
  command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : [...a].some((c) => c < ' ') ? JSON.stringify(a) : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/**
 * Jobs: a command run in a running environment through the driver, its state in the store, its
 * numbered log in a file and on the `logs:<jobId>` topic, its state changes on `jobs`.
 * A job needs its environment running when it is created (409 otherwise): it starts at once,
 * so `queued` lasts only until the driver has it.
 */
export class JobService {
  private readonly active = new Map<string, ActiveJob>();
  private readonly positions = new Map<string, LogPosition>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly environments: EnvironmentService,
    private readonly logDir: string,
    private readonly log: Logger,
    private readonly maxLogBytes = MAX_LOG_BYTES,
  ) {
    mkdirSync(logDir, { recursive: true });
  }

  private logFile(id: string): string {
    return path.join(this.logDir, `${id}.log`);
  }

  /** The caller's job, or 404 for anything else (another user's included). */
  own(owner: User, id: string): JobRecord {
    const record = this.store.jobs.get(id);
    if (!record || record.ownerId !== owner.id) throw notFound('job');
    return record;
  }

  /** The API view: a running job's line count is the writer's, which the store catches up with at the end. */
  view(record: JobRecord): Job {
    const active = this.active.get(record.job.id);
    return active ? { ...record.job, logLines: active.writer.position.lines } : record.job;
  }

  list(owner: User, envId: string | undefined, limit: number): Job[] {
    return this.store.jobs.list({ ownerId: owner.id, envId, limit }).map((r) => this.view(r));
  }

  create(owner: User, body: CreateJobBody): Job {
    const { env } = this.environments.own(owner, body.envId);
    if (env.state !== 'running') {
      throw new HttpError('conflict', `environment "${env.name}" is ${env.state}, not running; start it first`, [{ path: 'body.envId', message: `the environment is ${env.state}` }]);
    }
    const record = this.store.jobs.create({ ownerId: owner.id, envId: env.id, command: body.command, cwd: body.cwd ?? null, workspaceRoot: body.workspaceRoot ?? null });
    this.publish(record, 'resource.created');
    this.execute(record, env, body.env ?? {});
    return this.view(this.store.jobs.get(record.job.id)!);
  }

  /** Stops the job's process tree; idempotent (a finished job is answered as it is). */
  async cancel(owner: User, id: string): Promise<Job> {
    const record = this.own(owner, id);
    const active = this.active.get(id);
    if (!active) return this.view(record);
    active.cancelRequested = true;
    active.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([active.done, new Promise((resolve) => (timer = setTimeout(resolve, CANCEL_WAIT_MS)))]);
    clearTimeout(timer);
    return this.view(this.store.jobs.get(id)!);
  }

  async readLog(owner: User, id: string, from: number, limit: number): Promise<JobLog> {
    const record = this.own(owner, id);
    const active = this.active.get(id);
    // a snapshot: lines written while this read runs are the next request's (or the socket's)
    const position = active ? { ...active.writer.position } : await this.position(id);
    const lines = await readLog(this.logFile(id), position, from, limit);
    const next = lines.length ? lines.at(-1)!.seq + 1 : Math.max(from, 1);
    const ended = !active && FINAL_JOB_STATES.includes(record.job.state);
    return { lines, next, complete: ended && next > position.lines };
  }

  private async position(id: string): Promise<LogPosition> {
    const cached = this.positions.get(id);
    if (cached) return cached;
    const position = await scanLog(this.logFile(id));
    if (this.positions.size >= POSITION_CACHE) this.positions.delete(this.positions.keys().next().value!);
    this.positions.set(id, position);
    return position;
  }

  /** At start: jobs that were running when the backend went down have lost their runner with it. */
  async recover(): Promise<void> {
    for (const record of this.store.jobs.list({ states: ['queued', 'running'] })) {
      const { id } = record.job;
      const position = await scanLog(this.logFile(id));
      const writer = new JobLogWriter(this.logFile(id), (err) => this.log.warn(`job ${id}: cannot write its log: ${err.message}`), position);
      writer.append([{ stream: 'system', text: endingLine({ state: 'failed', exitCode: null, reason: REASON_RESTARTED }) }]);
      writer.close();
      this.publish(this.store.jobs.update(id, { state: 'failed', reason: REASON_RESTARTED, endedAt: new Date().toISOString(), logLines: writer.position.lines })!);
    }
  }

  /** Settles once every job started so far has ended (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private execute(record: JobRecord, env: Environment, extraEnv: Record<string, string>): void {
    const { id } = record.job;
    const writer = new JobLogWriter(this.logFile(id), (err) => this.log.warn(`job ${id}: cannot write its log: ${err.message}`));
    const active: ActiveJob = { ownerId: record.ownerId, abort: new AbortController(), writer, cancelRequested: false, full: false, done: Promise.resolve() };
    this.active.set(id, active);
    active.done = this.run(record, env, extraEnv, active).catch((err: Error) => this.log.warn(`job ${id} ended abnormally: ${err.message}`));
  }

  private async run(record: JobRecord, env: Environment, extraEnv: Record<string, string>, active: ActiveJob): Promise<void> {
    const { id, command, cwd } = record.job;
    this.publish(this.store.jobs.update(id, { state: 'running', startedAt: new Date().toISOString() })!);
    this.emit(active, id, [{ stream: 'system', text: `running ${commandLine(command)}${cwd ? ` in ${cwd}` : ''}` }]);
    const pending: { stream: JobStream; text: string }[] = [];
    const splitters = {
      stdout: new LineSplitter((text) => pending.push({ stream: 'stdout', text })),
      stderr: new LineSplitter((text) => pending.push({ stream: 'stderr', text })),
    };
    const flush = (): void => void this.emit(active, id, pending.splice(0));
    let outcome: JobOutcome | undefined;
    let error: string | undefined;
    try {
      outcome = await this.environments.driver.runJob(env.id, { jobId: id, command, cwd, env: extraEnv }, (stream, chunk) => (splitters[stream].push(chunk), flush()), active.abort.signal);
    } catch (err) {
      error = (err as Error).message;
    }
    splitters.stdout.end();
    splitters.stderr.end();
    flush();
    const end = ending({
      outcome,
      error,
      cancelRequested: active.cancelRequested,
      environmentRunning: this.store.environments.get(env.id)?.env.state === 'running',
      memoryLimitMiB: env.resources.memoryMiB,
    });
    this.emit(active, id, [{ stream: 'system', text: endingLine(end) }], true);
    active.writer.close();
    const done = this.store.jobs.update(id, { ...end, endedAt: new Date().toISOString(), peakMemoryMiB: outcome?.peakMemoryMiB ?? null, logLines: active.writer.position.lines })!;
    this.positions.set(id, active.writer.position);
    this.active.delete(id);
    this.publish(done);
  }

  /** Stores the lines, then publishes them: a line is on disk before any client can hear of it. */
  private emit(active: ActiveJob, id: string, entries: { stream: JobStream; text: string }[], closing = false): void {
    let kept = entries;
    if (!closing && active.writer.position.bytes >= this.maxLogBytes) {
      kept = active.full ? [] : [{ stream: 'system', text: `the log is full (${Math.round(this.maxLogBytes / 1024 ** 2)} MiB): further output is not kept` }];
      active.full = true;
    }
    for (const line of active.writer.append(kept)) {
      this.bus.publish({ userIds: [active.ownerId] }, `logs:${id}`, { kind: 'log', stream: line.stream, line: line.text, seq: line.seq });
    }
  }

  private publish(record: JobRecord, kind: 'resource.created' | 'resource.changed' = 'resource.changed'): void {
    const job = this.view(record);
    this.bus.publish({ userIds: [record.ownerId] }, 'jobs', { kind, resource: 'job', resourceId: job.id, data: job });
  }
}
