import { Writable } from 'node:stream';
import { z } from 'zod';
import type { JobOutcome } from './driver.js';

/**
 * The job runner inside environments (`python3 -m mlwb_runtime.job`, devcontainer-images/runtime):
 * its command line, its stdin protocol and its status file, as every driver uses them.
 */

/** The status file the runner writes when the command has ended. */
const RunnerStatus = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  oomKilled: z.boolean(),
  peakMemoryMiB: z.number().nonnegative().nullable(),
  cancelled: z.boolean(),
});

/** Lines the backend writes to the runner's stdin; closing stdin cancels too (the backend went away). */
export const RUNNER_GO = 'go\n';
export const RUNNER_CANCEL = 'cancel\n';

/** Seconds between SIGTERM and SIGKILL when a job is cancelled. */
export const CANCEL_GRACE_SECONDS = 5;

/**
 * Where the container drivers keep the runner's status files: /tmp is writable there (Docker's
 * tmpfs, the pod's emptyDir) while the root file system is read-only.
 */
export const CONTAINER_STATUS_DIR = '/tmp/mlwb-jobs';

/** A stream that hands each chunk of a job's output on as it comes. */
export function outputSink(onChunk: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback();
    },
  });
}

export function runnerArgs(statusFile: string, cwd: string, command: string[]): string[] {
  return ['-m', 'mlwb_runtime.job', '--status', statusFile, '--cwd', cwd, '--grace', String(CANCEL_GRACE_SECONDS), '--', ...command];
}

export const collectArgs = (statusFile: string): string[] => ['-m', 'mlwb_runtime.job', '--collect', statusFile];

/**
 * The outcome from the runner's status file; when there is none (the runner was killed with the
 * environment, or the file could not be read), what the process's own exit tells.
 */
export function outcomeOf(statusText: string | undefined, fallback: { exitCode: number | null; cancelled: boolean }): JobOutcome {
  if (statusText !== undefined) {
    try {
      const parsed = RunnerStatus.safeParse(JSON.parse(statusText));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: fall through
    }
  }
  return { exitCode: fallback.exitCode, signal: null, oomKilled: false, peakMemoryMiB: null, cancelled: fallback.cancelled };
}
