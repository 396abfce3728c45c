import { EventStream, type ApiClient } from '../../../backend/src/client/index.js';
import { FINAL_JOB_STATES, type Job } from '../../../backend/src/protocol/index.js';

/** Waits for the job to end, driven by the `jobs` topic (subscribed before reading the job, so its end cannot fall between). */
export async function jobEnded(client: ApiClient, id: string, timeoutMs = 120_000): Promise<Job> {
  const stream = new EventStream({ url: client.options.url, token: client.options.token!, topics: ['jobs'] });
  try {
    return await new Promise<Job>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`job ${id} did not end within ${timeoutMs / 1000} s`)), timeoutMs);
      const check = (job: Job): void => {
        if (job.id !== id || !FINAL_JOB_STATES.includes(job.state)) return;
        clearTimeout(timer);
        resolve(job);
      };
      stream.on('event', (e) => e.payload.kind === 'resource.changed' && check(e.payload.data as Job));
      stream.on('state', (s) => s === 'open' && void client.call('getJob', { params: { id } }).then(check, reject));
      stream.start();
    });
  } finally {
    stream.close();
  }
}
