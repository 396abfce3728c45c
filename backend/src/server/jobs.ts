import { join } from 'node:path';
import type { EventBus } from '../events/bus.js';
import { JobService } from '../jobs/service.js';
import type { Store } from '../store/index.js';
import type { Environments } from './environments.js';

/**
 * Builds the job service where environments are available, and closes out the jobs an earlier run
 * of the backend left running (their runners stopped when it went away).
 */
export async function startJobs(dataDir: string, store: Store, bus: EventBus, environments: Environments | undefined, log: { info(m: string): void; warn(m: string): void }): Promise<JobService | undefined> {
  if (!environments) return undefined;
  const jobs = new JobService(store, bus, environments.service, join(dataDir, 'jobs'), log);
  await jobs.recover();
  return jobs;
}
