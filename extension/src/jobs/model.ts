import type { Job } from '../../../backend/src/protocol/index.js';
import { LiveModel, type ModelLink } from '../backend/liveModel.js';
import { isNewer, jobFromEvent, JOBS_TOPIC } from './events.js';

/** How many jobs the model lists (the most recent); the tree shows fewer per environment. */
const LIST_LIMIT = 500;

/** The user's recent jobs, kept current (see {@link LiveModel}). */
export class JobsModel {
  private readonly live: LiveModel<ReadonlyMap<string, Job>, Job>;

  constructor(link: ModelLink) {
    this.live = new LiveModel<ReadonlyMap<string, Job>, Job>(link, {
      topic: JOBS_TOPIC,
      empty: new Map(),
      list: async (backend) => {
        const { items } = await backend.api.call('listJobs', { query: { limit: LIST_LIMIT } });
        return new Map(items.map((j) => [j.id, j]));
      },
      change: jobFromEvent,
      apply: (jobs, job) => (isNewer(jobs.get(job.id), job) ? new Map(jobs).set(job.id, job) : jobs),
    });
  }

  /** Why the last list failed, if it did. */
  get error(): string | undefined {
    const status = this.live.status;
    return status.status === 'failed' ? status.message : undefined;
  }

  get(id: string): Job | undefined {
    return this.live.current.get(id);
  }

  /** The environment's jobs, newest first. */
  ofEnvironment(envId: string): Job[] {
    return [...this.live.current.values()].filter((j) => j.envId === envId).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  onDidChange(fn: () => void): () => void {
    return this.live.onDidChange(fn);
  }

  /** Applies a job a command's answer returned (createJob, cancelJob) without waiting for its event. */
  upsert(job: Job): void {
    this.live.apply(job);
  }

  refresh(): Promise<void> {
    return this.live.refresh();
  }

  dispose(): void {
    this.live.dispose();
  }
}
