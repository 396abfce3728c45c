import type * as path from 'node:path';
import type { Job } from '../../../backend/src/protocol/index.js';
import type { PathMapping } from '../tracebacks/paths.js';
import { outputProblem, type TracebackProblem } from '../tracebacks/problem.js';
import type { JobOutput } from './output.js';

/**
 * Where a failed job's traceback points in the workspace, or undefined (it succeeded, printed no
 * traceback, or none of its frames lies in the workspace). Needs the job's `workspaceRoot`: without
 * it nothing can be mapped back.
 */
export function jobProblem(job: Job, output: JobOutput, localRoot: string, local?: path.PlatformPath): TracebackProblem | undefined {
  if (job.state !== 'failed' || !job.workspaceRoot) return undefined;
  const mapping: PathMapping = { envRoot: job.workspaceRoot, envCwd: job.cwd ?? job.workspaceRoot, localRoot };
  for (const text of output.texts()) {
    const problem = outputProblem(text, mapping, local);
    if (problem) return problem;
  }
  return undefined;
}

/** The diagnostics' source: which job a problem came from. */
export const problemSource = (jobId: string): string => `ML Workbench job ${jobId}`;

interface Entry {
  /** The local file the job ran (its problems are replaced when it runs again). */
  script: string | undefined;
  problem?: TracebackProblem;
}

/**
 * The problems jobs left, by job: a job that runs a file again clears what earlier runs of that
 * file left, and a job that succeeds leaves none. `onDidChange` tells the Problems panel to redraw.
 */
export class JobProblems {
  private readonly byJob = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  /** A job for `script` (a local path) started: the problems of earlier runs of it go. */
  started(jobId: string, script: string | undefined): void {
    if (script) for (const [id, entry] of this.byJob) if (entry.script === script) this.byJob.delete(id);
    this.byJob.set(jobId, { script });
    this.fire();
  }

  /** A job ended with this problem (undefined: none, which clears what it had). */
  ended(jobId: string, problem: TracebackProblem | undefined): void {
    const entry = this.byJob.get(jobId) ?? { script: undefined };
    this.byJob.set(jobId, problem ? { ...entry, problem } : { script: entry.script });
    this.fire();
  }

  /** Every problem standing, with its job. */
  get all(): { jobId: string; problem: TracebackProblem }[] {
    return [...this.byJob].flatMap(([jobId, entry]) => (entry.problem ? [{ jobId, problem: entry.problem }] : []));
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private fire(): void {
    this.listeners.forEach((fn) => fn());
  }
}
