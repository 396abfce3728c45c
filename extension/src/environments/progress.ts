import type { Environment } from '../../../backend/src/protocol/index.js';
import type { BackendLink } from '../backend/link.js';
import { firstLine, stripAnsi } from './format.js';
import { liveLogLines } from './logFollower.js';
import type { EnvironmentsModel } from './model.js';
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
  /** The environment as known now: events may have moved it on before the request's answer came. */
  current(id: string): Environment | undefined;
  logs(id: string, fn: (line: string) => void): () => void;
}

/** The model's view of the environment (known once it has listed) and its live log lines on the current session. */
export function modelStartupSource(model: Pick<EnvironmentsModel, 'get' | 'status' | 'onDidChange'>, link: Pick<BackendLink, 'current' | 'onDidChange'>): StartupSource {
  return {
    watch: (id, fn) => model.onDidChange(() => fn(model.get(id), model.status.status === 'ready')),
    current: (id) => model.get(id),
    logs: (id, fn) => liveLogLines(link, id, (line) => fn(stripAnsi(line.line))),
  };
}

/** What the progress notification says for a state, e.g. `#2 in queue: waiting for 2 CPUs`. */
export function progressMessage(env: Environment, lastLine?: string): string {
  const words = stateLook(env).words;
  const detail = lastLine ?? env.reason ?? undefined;
  return detail ? `${words}: ${firstLine(detail, 120)}` : `${words}…`;
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
      const update = (env: Environment | undefined, known: boolean): void => {
        if (!known) return report(`${stateLook(this.current).words}… (waiting for the backend)`);
        const outcome = env ? outcomeOf(env, baseline, false) : new StartupError(`${baseline.name} was deleted`, 'deleted', null);
        if (outcome) return settle(outcome);
        if (!env || !isCurrent(env, baseline)) return;
        const moved = env.state !== this.current.state || env.queuePosition !== this.current.queuePosition;
        this.current = env;
        if (!moved) return;
        this.lastLine = undefined;
        report(progressMessage(env));
      };
      this.offs.push(
        source.watch(baseline.id, update),
        source.logs(baseline.id, (line) => {
          if (!line.trim()) return;
          this.lastLine = line;
          report(progressMessage(this.current, line));
        }),
      );
      // Events may have moved it on (even to running) before the answer came.
      const now = source.current(baseline.id);
      if (now && !this.finished) update(now, true);
      // A source that answered at once may have settled it already.
      if (this.finished) this.dispose();
    });
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
  const why = env.reason ? `: ${firstLine(env.reason)}` : '';
  if (env.state === 'failed') return new StartupError(`${env.name} failed${why}`, 'failed', env.reason);
  if (env.state === 'stopped') return new StartupError(`${env.name} was stopped${why}`, 'stopped', env.reason);
  return undefined;
}

/** Newer than the answer, or as old with a state on the way (a queue position moves without a new timestamp). */
function isCurrent(env: Environment, baseline: Environment): boolean {
  const age = Date.parse(env.updatedAt) - Date.parse(baseline.updatedAt);
  return age > 0 || (age === 0 && env.state !== 'stopped' && env.state !== 'failed');
}
