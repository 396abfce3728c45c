import type Docker from 'dockerode';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { ExecResult } from '../../protocol/index.js';
import type { JobOutcome, JobSpec } from '../driver.js';
import { collectArgs, CONTAINER_STATUS_DIR, outcomeOf, outputSink, RUNNER_CANCEL, RUNNER_GO, runnerArgs } from '../job-runner.js';
import { HOME } from './spec.js';

const WORKSPACE = `${HOME}/work`;

/**
 * Runs a job in the container through the job runner, attached over a hijacked exec: output is
 * demultiplexed as it comes, `go`/`cancel` travel on its stdin, and the connection closing (a
 * backend that died) ends the runner's stdin, which stops the job too.
 */
export async function runDockerJob(
  docker: Docker,
  container: Docker.Container,
  exec: (command: string[]) => Promise<ExecResult>,
  spec: JobSpec,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const statusFile = path.posix.join(CONTAINER_STATUS_DIR, `${spec.jobId}.json`);
  const cwd = path.posix.resolve(WORKSPACE, spec.cwd ?? '.');
  const run = await container.exec({
    Cmd: ['python3', ...runnerArgs(statusFile, cwd, spec.command)],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: '1000:1000',
    WorkingDir: WORKSPACE,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
  });
  const stream = (await run.start({ hijack: true, stdin: true })) as Duplex;
  docker.modem.demuxStream(stream, outputSink((c) => onOutput('stdout', c)), outputSink((c) => onOutput('stderr', c)));
  const cancel = (): void => void stream.write(RUNNER_CANCEL);
  signal.addEventListener('abort', cancel, { once: true });
  stream.write(RUNNER_GO);
  if (signal.aborted) cancel();
  try {
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  } finally {
    signal.removeEventListener('abort', cancel);
    stream.destroy();
  }
  const exitCode = (await run.inspect().catch(() => undefined))?.ExitCode ?? null;
  // the container may have stopped under the job: then there is no status to collect
  const collected = await exec(['python3', ...collectArgs(statusFile)]).catch(() => undefined);
  return outcomeOf(collected?.exitCode === 0 ? collected.stdout : undefined, { exitCode, cancelled: signal.aborted });
}
