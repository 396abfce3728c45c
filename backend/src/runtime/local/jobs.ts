import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findImagesDir } from '../../environments/images-dir.js';
import { DriverError, type JobOutcome, type JobSpec } from '../driver.js';
import { outcomeOf, RUNNER_CANCEL, RUNNER_GO, runnerArgs } from '../job-runner.js';
import type { EnvLayout } from './layout.js';
import type { RunState } from './state.js';

/** Where `mlwb_runtime` is: the image catalog's runtime folder, which the images copy too. */
export function runtimeDir(imagesDir = findImagesDir()): string {
  if (!imagesDir) throw new DriverError('the job runner is missing: no devcontainer-images/runtime next to the backend', 'engine');
  return path.join(imagesDir, 'runtime');
}

function readStatus(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Runs a job with the environment's venv Python and its server's variables (so stopping the
 * environment finds and stops it too). `join` puts the runner into the environment (its cgroup)
 * before it is told to start the command, so the command and its children start inside.
 */
export function runLocalJob(
  layout: EnvLayout,
  run: RunState | undefined,
  join: (pid: number) => void,
  spec: JobSpec,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
  signal: AbortSignal,
): Promise<JobOutcome> {
  if (!run) return Promise.reject(new DriverError('the environment is not running', 'user'));
  const statusDir = path.join(layout.dir, 'jobs');
  mkdirSync(statusDir, { recursive: true });
  const statusFile = path.join(statusDir, `${spec.jobId}.json`);
  const runtime = runtimeDir();
  const userPath = spec.env.PYTHONPATH ?? run.env.PYTHONPATH;
  const env = { ...run.env, ...spec.env, PYTHONPATH: userPath ? `${runtime}${path.delimiter}${userPath}` : runtime };
  const child = spawn(layout.python, runnerArgs(statusFile, path.resolve(layout.work, spec.cwd ?? '.'), spec.command), {
    cwd: layout.work,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  child.stdout.on('data', (c: Buffer) => onOutput('stdout', c));
  child.stderr.on('data', (c: Buffer) => onOutput('stderr', c));
  // a runner that exited already makes these writes fail: that is not an error here
  child.stdin.on('error', () => undefined);
  const cancel = (): void => void child.stdin.write(RUNNER_CANCEL);
  return new Promise<JobOutcome>((resolve, reject) => {
    child.once('error', (err) => reject(new DriverError(`could not start ${layout.python}: ${err.message}`, 'engine', { cause: err })));
    child.once('spawn', () => {
      try {
        join(child.pid!);
      } catch {
        // it exited already
      }
      child.stdin.write(RUNNER_GO);
      signal.addEventListener('abort', cancel, { once: true });
      if (signal.aborted) cancel();
    });
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', cancel);
      const exitCode = code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : null);
      resolve(outcomeOf(readStatus(statusFile), { exitCode, cancelled: signal.aborted }));
    });
  });
}
