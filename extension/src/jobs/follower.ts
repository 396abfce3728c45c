import type { Job, JobLogLine, ServerEvent } from '../../../backend/src/protocol/index.js';
import type { BackendLink, LinkedBackend } from '../backend/link.js';
import { errorText } from '../environments/format.js';
import { isFinal, jobFromEvent, jobLogsTopic, JOBS_TOPIC } from './events.js';

export type FollowedLine = Pick<JobLogLine, 'seq' | 'stream' | 'text'>;

export interface FollowerSink {
  /** Every line once, in seq order, without gaps. */
  line(line: FollowedLine): void;
  /** Once, after the last line of a job that has ended. */
  end(job: Job): void;
  /** A fetch failed; the follower tries again when the connection comes back. */
  trouble?(message: string): void;
}

/** How many lines one `jobLog` request asks for. */
const PAGE = 1000;

/**
 * Follows one job's log: the stored lines first, then the live `logs:<jobId>` lines, on whichever
 * backend session is current. Resuming is by `seq` (see protocol/jobs.ts): it subscribes first,
 * then fetches `jobLog?from=<last + 1>` until the log stops growing, keeps live lines that arrive
 * meanwhile, and drops every line whose seq it has written. A live line past a gap (events missed
 * during a reconnect) makes it fetch the gap. When the job ends (its `jobs` event, or a fetch that
 * answers `complete`) it fetches to the end and reports the job.
 */
export class JobLogFollower {
  private last = 0;
  /** Live lines ahead of `last`, by seq. */
  private readonly ahead = new Map<number, FollowedLine>();
  private fetching = false;
  private fetchAgain = false;
  private ended = false;
  private disposed = false;
  private detach: (() => void) | undefined;
  private readonly offLink: () => void;

  constructor(
    private readonly link: Pick<BackendLink, 'current' | 'onDidChange'>,
    private readonly jobId: string,
    private readonly sink: FollowerSink,
    /** Start after this seq (a view that already shows lines 1…from). */
    from = 0,
  ) {
    this.last = from;
    this.offLink = link.onDidChange((backend) => this.attach(backend));
    this.attach(link.current);
  }

  /** The seq of the last line written. */
  get lastSeq(): number {
    return this.last;
  }

  get done(): boolean {
    return this.ended;
  }

  dispose(): void {
    this.disposed = true;
    this.offLink();
    this.detach?.();
    this.detach = undefined;
  }

  private attach(backend: LinkedBackend | undefined): void {
    this.detach?.();
    this.detach = undefined;
    if (!backend || this.ended || this.disposed) return;
    const offEvent = backend.events.on('event', (event) => this.onEvent(event));
    // After a reconnect the stream either replays what it missed or says it could not (`reset`); a
    // fetch from the last seq covers both, and costs one request when nothing was missed.
    const offReset = backend.events.on('reset', () => void this.catchUp());
    const offState = backend.events.on('state', (state) => {
      if (state === 'open') void this.catchUp();
    });
    const releaseLogs = backend.topics.hold(jobLogsTopic(this.jobId));
    const releaseJobs = backend.topics.hold(JOBS_TOPIC);
    this.detach = () => {
      offEvent();
      offReset();
      offState();
      releaseLogs();
      releaseJobs();
    };
    void this.catchUp();
  }

  private onEvent(event: ServerEvent): void {
    if (this.ended) return;
    const { payload } = event;
    if (event.topic === jobLogsTopic(this.jobId) && payload.kind === 'log' && payload.seq !== undefined) {
      this.live({ seq: payload.seq, stream: payload.stream, text: payload.line });
      return;
    }
    const job = jobFromEvent(event);
    if (job?.id === this.jobId && isFinal(job.state)) void this.catchUp();
  }

  private live(line: FollowedLine): void {
    if (line.seq <= this.last) return;
    this.ahead.set(line.seq, line);
    if (this.fetching) return;
    this.drain();
    if (this.ahead.size) void this.catchUp();
  }

  /** Writes the live lines that continue the log without a gap. */
  private drain(): void {
    for (const seq of [...this.ahead.keys()].sort((a, b) => a - b)) {
      if (seq <= this.last) this.ahead.delete(seq);
      else if (seq === this.last + 1) this.write(this.ahead.get(seq)!);
      else break;
    }
  }

  private write(line: FollowedLine): void {
    this.ahead.delete(line.seq);
    this.last = line.seq;
    this.sink.line(line);
  }

  /** Fetches from `last + 1` until the stored log stops growing; one fetch at a time. */
  private async catchUp(): Promise<void> {
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.fetchAgain = false;
        if (await this.fetchAll()) return this.finish();
      } while (this.fetchAgain && !this.disposed);
    } catch (error) {
      if (!this.disposed) this.sink.trouble?.(errorText(error));
    } finally {
      this.fetching = false;
    }
    this.drain();
  }

  /** Pages through the stored log; true when the job has ended and every line is written. */
  private async fetchAll(): Promise<boolean> {
    for (;;) {
      const backend = this.link.current;
      if (!backend || this.disposed) return false;
      const log = await backend.api.call('jobLog', { params: { id: this.jobId }, query: { from: this.last + 1, limit: PAGE } });
      if (this.disposed) return false;
      const before = this.last;
      for (const { seq, stream, text } of log.lines) if (seq === this.last + 1) this.write({ seq, stream, text });
      this.drain();
      if (log.complete && log.next <= this.last + 1) return true;
      // The log stopped growing (or answered nothing new): live lines carry on from here.
      if (this.last === before) return false;
    }
  }

  private async finish(): Promise<void> {
    const backend = this.link.current;
    if (!backend || this.ended || this.disposed) return;
    const job = await backend.api.call('getJob', { params: { id: this.jobId } });
    if (this.ended || this.disposed) return;
    this.ended = true;
    this.detach?.();
    this.detach = undefined;
    this.sink.end(job);
  }
}
