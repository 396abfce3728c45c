import { setTimeout as sleep } from 'node:timers/promises';
import { DriverError } from '../driver.js';

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Calls `check` every `intervalMs` until it returns true; fails with `timedOut(last)` where `last`
 * is what the last check reported, or with the signal's reason once it is aborted.
 */
export async function pollUntil(check: () => Promise<true | string>, options: PollOptions, timedOut: (last: string) => Error): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'not checked yet';
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    const outcome = await check();
    if (outcome === true) return;
    last = outcome;
    await sleep(options.intervalMs, undefined, options.signal ? { signal: options.signal } : {});
  }
  throw timedOut(last);
}

const JUPYTER_ANSWER_TIMEOUT_MS = 30_000;

/** Ready means the probe passed inside the cluster; this checks the whole path, port-forward and token included. */
export async function waitForJupyter(url: string, token: string, signal: AbortSignal, intervalMs: number): Promise<void> {
  const check = async (): Promise<true | string> => {
    try {
      const res = await fetch(url, { headers: { authorization: `token ${token}` }, signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) });
      await res.body?.cancel();
      return res.ok ? true : `HTTP ${res.status}`;
    } catch (error) {
      signal.throwIfAborted();
      return error instanceof Error ? error.message : String(error);
    }
  };
  await pollUntil(check, { timeoutMs: JUPYTER_ANSWER_TIMEOUT_MS, intervalMs, signal }, (last) => {
    return new DriverError(`Jupyter did not answer through the port-forward (${url}): ${last}`, 'engine');
  });
}
