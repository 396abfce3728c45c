/**
 * Bounded exponential back-off between tries of one step (an upload chunk): the wait doubles from
 * `firstMs` up to `maxMs`, and the step is given up once `giveUpMs` have passed since its first
 * failure or after `maxTries` failures. An abort ends a wait at once.
 */
export interface BackoffLimits {
  firstMs: number;
  maxMs: number;
  giveUpMs: number;
  maxTries: number;
}

export const DEFAULT_BACKOFF: BackoffLimits = { firstMs: 100, maxMs: 5_000, giveUpMs: 60_000, maxTries: 30 };

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class Backoff {
  private delayMs: number;
  private tries = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly limits: BackoffLimits = DEFAULT_BACKOFF) {
    this.delayMs = limits.firstMs;
  }

  /** Waits before the next try; throws `error` (the last failure) when the limits are spent. */
  async wait(error: unknown, signal?: AbortSignal): Promise<void> {
    this.tries += 1;
    if (this.tries > this.limits.maxTries || Date.now() - this.startedAt + this.delayMs > this.limits.giveUpMs) throw error;
    await sleep(this.delayMs, signal);
    this.delayMs = Math.min(this.delayMs * 2, this.limits.maxMs);
  }
}
