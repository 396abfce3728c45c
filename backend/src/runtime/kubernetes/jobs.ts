import type { KubeConfig } from '@kubernetes/client-node';
import { posix } from 'node:path';
import type { ExecResult } from '../../protocol/index.js';
import type { JobOutcome, JobSpec } from '../driver.js';
import { collectArgs, CONTAINER_STATUS_DIR, outcomeOf, outputSink, RUNNER_CANCEL, RUNNER_GO, runnerArgs } from '../job-runner.js';
import { execAttached } from './exec.js';
import { HOME } from './manifests.js';

const WORKSPACE = `${HOME}/work`;

/**
 * Runs a job in the pod through the job runner over `pods/exec` with stdin attached: output
 * streams as it comes, `go`/`cancel` travel on stdin, and the stream closing (a backend that died)
 * ends the runner's stdin in the container, which stops the job too. `pods/exec` has no variables
 * of its own: the job's go through `env`.
 */
export async function runPodJob(
  kubeConfig: KubeConfig,
  pod: { namespace: string; name: string },
  exec: (command: string[]) => Promise<ExecResult>,
  spec: JobSpec,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const statusFile = posix.join(CONTAINER_STATUS_DIR, `${spec.jobId}.json`);
  const cwd = posix.resolve(WORKSPACE, spec.cwd ?? '.');
  const variables = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const run = await execAttached(
    kubeConfig,
    pod.namespace,
    pod.name,
    ['env', ...variables, 'python3', ...runnerArgs(statusFile, cwd, spec.command)],
    outputSink((c) => onOutput('stdout', c)),
    outputSink((c) => onOutput('stderr', c)),
  );
  const cancel = (): void => void run.stdin.write(RUNNER_CANCEL);
  signal.addEventListener('abort', cancel, { once: true });
  run.stdin.write(RUNNER_GO);
  if (signal.aborted) cancel();
  let exitCode: number | null;
  try {
    exitCode = await run.exited;
  } finally {
    signal.removeEventListener('abort', cancel);
    run.close();
  }
  // the pod may have gone under the job: then there is no status to collect
  const collected = await exec(['python3', ...collectArgs(statusFile)]).catch(() => undefined);
  return outcomeOf(collected?.exitCode === 0 ? collected.stdout : undefined, { exitCode, cancelled: signal.aborted });
}
