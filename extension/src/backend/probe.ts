import { ApiClient, ApiError } from '../../../backend/src/client/index.js';

/** `up`: something answers HTTP there. `refused`: nothing listens (any more). `silent`: no answer in time, or another failure. */
export type ProbeResult = 'up' | 'refused' | 'silent';

export type Probe = (url: string) => Promise<ProbeResult>;

/** Asks `/healthz` of a backend, which needs no token. */
export const probeBackend: Probe = async (url) => {
  const client = new ApiClient({ url, timeoutMs: 2_000 });
  try {
    await client.call('health');
    return 'up';
  } catch (error) {
    if (!(error instanceof ApiError)) return 'silent';
    // A status means an HTTP answer, whatever it says: the server listens.
    if (error.status !== 0) return 'up';
    return (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED' ? 'refused' : 'silent';
  } finally {
    await client.close();
  }
};
