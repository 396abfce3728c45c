import type { Job } from '../../../backend/src/protocol/index.js';
import type { BackendLink, LinkedBackend } from '../backend/link.js';
import { errorText } from '../environments/format.js';
import { isNewer, jobFromEvent, JOBS_TOPIC } from './events.js';

/** How many jobs the model lists (the most recent); the tree shows fewer per environment. */
const LIST_LIMIT = 500;

/**
 * The user's recent jobs, kept current: listed when a backend connects, changed by `jobs` events
 * as they come, listed again when the stream could not resume (`reset`). The `jobs` topic is
 * subscribed before the list is asked for, and changes that arrive while the list is on its way
 * are applied over it.
 */
export class JobsModel {
  private jobs: ReadonlyMap<string, Job> = new Map();
  private failure: string | undefined;
  private pending: Job[] | undefined;
  private generation = 0;
  private detach: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly offLink: () => void;

  constructor(private readonly link: Pick<BackendLink, 'current' | 'onDidChange'>) {
    this.offLink = link.onDidChange((backend) => this.attach(backend));
    this.attach(link.current);
  }

  /** Why the last list failed, if it did. */
  get error(): string | undefined {
    return this.failure;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The environment's jobs, newest first. */
  ofEnvironment(envId: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.envId === envId).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Applies a job a command's answer returned (createJob, cancelJob) without waiting for its event. */
  upsert(job: Job): void {
    if (this.pending) {
      this.pending.push(job);
      return;
    }
    if (!isNewer(this.jobs.get(job.id), job)) return;
    this.jobs = new Map(this.jobs).set(job.id, job);
    this.fire();
  }

  async refresh(): Promise<void> {
    const backend = this.link.current;
    if (!backend) return;
    const generation = ++this.generation;
    this.pending ??= [];
    try {
      const { items } = await backend.api.call('listJobs', { query: { limit: LIST_LIMIT } });
      if (generation !== this.generation) return;
      const jobs = new Map(items.map((j) => [j.id, j]));
      for (const job of this.pending ?? []) if (isNewer(jobs.get(job.id), job)) jobs.set(job.id, job);
      this.jobs = jobs;
      this.failure = undefined;
    } catch (error) {
      if (generation !== this.generation) return;
      this.failure = errorText(error);
    }
    this.pending = undefined;
    this.fire();
  }

  dispose(): void {
    this.offLink();
    this.detach?.();
    this.listeners.clear();
  }

  private attach(backend: LinkedBackend | undefined): void {
    this.detach?.();
    this.detach = undefined;
    this.generation += 1;
    this.pending = undefined;
    this.jobs = new Map();
    this.failure = undefined;
    this.fire();
    if (!backend) return;
    const offEvent = backend.events.on('event', (event) => {
      const job = jobFromEvent(event);
      if (job) this.upsert(job);
    });
    const offReset = backend.events.on('reset', () => void this.refresh());
    const release = backend.topics.hold(JOBS_TOPIC);
    this.detach = () => {
      offEvent();
      offReset();
      release();
    };
    void this.refresh();
  }

  private fire(): void {
    this.listeners.forEach((fn) => fn());
  }
}
