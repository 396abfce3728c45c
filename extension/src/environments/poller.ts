/** One answer of a poll: the value, or why there is none. */
export type PollResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Calls `fetch` now and then `intervalMs` after each answer (never two at once) while started;
 * answers that come after a stop or a restart are dropped.
 */
export class Poller<T> {
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private active = false;

  constructor(
    private readonly fetch: () => Promise<T>,
    private readonly onResult: (result: PollResult<T>) => void,
    private readonly intervalMs: number,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    void this.tick(++this.generation);
  }

  stop(): void {
    this.active = false;
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
  }

  private async tick(generation: number): Promise<void> {
    let result: PollResult<T>;
    try {
      result = { ok: true, value: await this.fetch() };
    } catch (error) {
      result = { ok: false, error };
    }
    if (generation !== this.generation) return;
    this.onResult(result);
    if (generation !== this.generation) return; // onResult stopped it
    this.timer = setTimeout(() => void this.tick(generation), this.intervalMs);
  }
}
