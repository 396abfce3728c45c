import type { Environment } from '../../../backend/src/protocol/index.js';
import { stateLook } from './rows.js';

/** An environment that was on its way to running failed, stopped or went away. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly outcome: 'failed' | 'stopped' | 'deleted',
    readonly reason: string | null,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/** What the tracker follows: the model's view of one environment, and its log lines. */
export interface StartupSource {
  /**
   * Calls `fn` on every change of the environment; `known` is false while the list is not loaded
   * (the backend is reconnecting), when a missing environment tells nothing.
   */
  watch(id: string, fn: (env: Environment | undefined, known: boolean) => void): () => void;
  logs(id: string, fn: (line: string) => void): () => void;
}

const LINE_MAX = 120;

/** What the progress notification says for a state, e.g. `queued (#2 in queue): waiting for 2 CPUs`. */
export function progressMessage(env: Environment, lastLine?: string): string {
  const words = stateLook(env).words;
  const detail = lastLine ?? env.reason ?? undefined;
  if (!detail) return `${words}…`;
  const short = detail.length > LINE_MAX ? `${detail.slice(0, LINE_MAX - 1)}…` : detail;
  return `${words}: ${short}`;
}

/**
 * Follows an environment from a start request (create, start, restart) until it runs: `done`
 * resolves with it running, or rejects with a StartupError when it fails (with the reason), is
 * stopped or is deleted. `baseline` is the environment the request answered; events older than
 * it are stale (they may arrive after the answer) and cannot end the wait.
 */
export class StartupTracker {
  readonly done: Promise<Environment>;
  private readonly offs: (() => void)[] = [];
  private current: Environment;
  private lastLine: string | undefined;
  private finished = false;

  constructor(source: StartupSource, baseline: Environment, report: (message: string) => void) {
    this.current = baseline;
    this.done = new Promise<Environment>((resolve, reject) => {
      const settle = (outcome: Environment | StartupError): void => {
        this.finished = true;
        this.dispose();
        if (outcome instanceof StartupError) reject(outcome);
        else resolve(outcome);
      };
      const first = outcomeOf(baseline, baseline, true);
      if (first) return settle(first);
      report(progressMessage(baseline));
      this.offs.push(
        source.watch(baseline.id, (env, known) => {
          if (!known) return report(`${stateLook(this.current).words}… (waiting for the backend)`);
          const outcome = env ? outcomeOf(env, baseline, false) : new StartupError(`${baseline.name} was deleted`, 'deleted', null);
          if (outcome) return settle(outcome);
          if (!env || !isCurrent(env, baseline)) return;
          const moved = env.state !== this.current.state || env.queuePosition !== this.current.queuePosition;
          this.current = env;
          if (!moved) return;
          this.lastLine = undefined;
          report(progressMessage(env));
        }),
        source.logs(baseline.id, (line) => {
          this.lastLine = line;
          report(progressMessage(this.current, line));
        }),
      );
      // A source that answered at once may have settled it already.
      if (this.finished) this.dispose();
    });
  }

  /** The last log line seen, for the failure message. */
  get lastLogLine(): string | undefined {
    return this.lastLine;
  }

  dispose(): void {
    this.offs.splice(0).forEach((off) => off());
  }
}

/** Running resolves, failed or stopped rejects, anything else waits; stale updates never end the wait. */
function outcomeOf(env: Environment, baseline: Environment, isBaseline: boolean): Environment | StartupError | undefined {
  const age = Date.parse(env.updatedAt) - Date.parse(baseline.updatedAt);
  const newer = isBaseline || age > 0;
  if (env.state === 'running' && age >= 0) return env;
  if (!newer) return undefined;
  if (env.state === 'failed') return new StartupError(`${env.name} failed${env.reason ? `: ${env.reason}` : ''}`, 'failed', env.reason);
  if (env.state === 'stopped') return new StartupError(`${env.name} was stopped${env.reason ? `: ${env.reason}` : ''}`, 'stopped', env.reason);
  return undefined;
}

/** Newer than the answer, or as old with a state on the way (a queue position moves without a new timestamp). */
function isCurrent(env: Environment, baseline: Environment): boolean {
  const age = Date.parse(env.updatedAt) - Date.parse(baseline.updatedAt);
  return age > 0 || (age === 0 && env.state !== 'stopped' && env.state !== 'failed');
}
