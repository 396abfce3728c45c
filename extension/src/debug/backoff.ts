/** Waits between attempts: doubling from `initialMs` up to `maxMs`, until `totalMs` would be passed. */
export function backoffDelays(initialMs: number, maxMs: number, totalMs: number): number[] {
  const delays: number[] = [];
  let spent = 0;
  for (let delay = initialMs; spent + delay <= totalMs; delay = Math.min(delay * 2, maxMs)) {
    delays.push(delay);
    spent += delay;
  }
  return delays;
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
