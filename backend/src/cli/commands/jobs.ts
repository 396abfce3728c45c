import type { Command } from 'commander';
import type { ApiClient } from '../../client/index.js';
import { followJobLog } from '../../client/job-log.js';
import type { Job, JobLogLine } from '../../protocol/index.js';
import { UsageError, withClient, type ClientFlags } from '../client.js';
import { resolveEnvironment } from '../environments.js';
import { printJson, printTable, shortTime } from '../output.js';
import { withClientOptions } from './options.js';
import { syncForRun } from './run-sync.js';

/** Exit status of `mlwb run` for a job that was cancelled (as a shell reports Ctrl-C). */
export const CANCELLED_EXIT = 130;

/** What `mlwb run` exits with: the job's own exit code, 130 when cancelled, 1 when it failed without one. */
export function exitStatusOf(job: Job): number {
  if (job.state === 'cancelled') return CANCELLED_EXIT;
  if (job.exitCode !== null) return job.exitCode;
  return job.state === 'succeeded' ? 0 : 1;
}

export function duration(job: Job, now = Date.now()): string {
  if (!job.startedAt) return '-';
  const seconds = Math.max(0, Math.round(((job.endedAt ? Date.parse(job.endedAt) : now) - Date.parse(job.startedAt)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** stdout lines to stdout, stderr and the backend's own (system) lines to stderr; `--json`: one JSON line each. */
function printer(json: boolean | undefined): (line: JobLogLine) => void {
  if (json) return (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
  return (line) => (line.stream === 'stdout' ? process.stdout : process.stderr).write(line.stream === 'system' ? `[mlwb] ${line.text}\n` : `${line.text}\n`);
}

/** Follows the job to its end; the first Ctrl-C cancels it (and keeps printing until it has ended), a second one leaves at once. */
async function followToEnd(client: ApiClient, job: Job, flags: ClientFlags): Promise<Job> {
  const follower = followJobLog(client, job.id, printer(flags.json), { follow: true });
  let interrupted = false;
  const onInterrupt = (): void => {
    if (interrupted) process.exit(CANCELLED_EXIT);
    interrupted = true;
    if (!flags.json) process.stderr.write(`\n[mlwb] cancelling ${job.id} (Ctrl-C again to leave without waiting)\n`);
    void client.call('cancelJob', { params: { id: job.id } }).catch((err: Error) => process.stderr.write(`[mlwb] cancel failed: ${err.message}\n`));
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await follower.done;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function resolveJob(client: ApiClient, id: string): Promise<Job> {
  if (!/^job_[A-Za-z0-9]+$/.test(id)) throw new UsageError(`"${id}" is not a job id (job_…); see "mlwb jobs"`);
  return client.call('getJob', { params: { id } });
}

function printJobs(jobs: Job[], envNames: Map<string, string>): void {
  printTable(
    jobs,
    [
      { header: 'id', value: (j) => j.id },
      { header: 'env', value: (j) => envNames.get(j.envId) ?? j.envId },
      { header: 'state', value: (j) => j.state },
      { header: 'exit', value: (j) => (j.exitCode === null ? '-' : String(j.exitCode)) },
      { header: 'duration', value: (j) => duration(j) },
      { header: 'started', value: (j) => shortTime(j.startedAt) },
      { header: 'command', value: (j) => j.command.join(' ').slice(0, 60) },
      { header: 'reason', value: (j) => j.reason ?? '' },
    ],
    'no jobs; start one with "mlwb run --env NAME -- python train.py"',
  );
}

function runCommand(program: Command): void {
  withClientOptions(program.command('run').argument('<command...>', 'the command and its arguments, after --'))
    .description('run a command in an environment as a job, streaming its output; exits with its exit code')
    .requiredOption('--env <name>', 'environment name or id (it must be running)')
    .option('--cwd <dir>', 'working directory inside the environment (default: the synced folder, or its workspace with --no-sync); relative to the synced folder')
    .option('--no-sync', 'do not sync the current directory into the environment first')
    .option('--detach', 'print the job and return at once')
    .action(async (command: string[], flags: ClientFlags & { env: string; cwd?: string; detach?: boolean; sync: boolean }) => {
      await withClient(flags, async (client) => {
        const env = await resolveEnvironment(client, flags.env);
        const synced = flags.sync ? await syncForRun(client, env.id, flags.cwd, !!flags.json) : undefined;
        const cwd = synced?.cwd ?? flags.cwd;
        const job = await client.call('createJob', { body: { envId: env.id, command, ...(cwd ? { cwd } : {}), ...(synced ? { workspaceRoot: synced.workspaceRoot } : {}) } });
        if (flags.detach) {
          if (flags.json) printJson(job);
          else console.log(job.id);
          return;
        }
        const ended = await followToEnd(client, job, flags);
        if (flags.json) process.stdout.write(`${JSON.stringify(ended)}\n`);
        process.exitCode = exitStatusOf(ended);
      });
    });
}

export function jobsCommand(program: Command): void {
  runCommand(program);

  withClientOptions(program.command('jobs'))
    .description('list jobs, newest first')
    .option('--env <name>', 'only this environment’s (name or id)')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (flags: ClientFlags & { env?: string; limit: string }) => {
      await withClient(flags, async (client) => {
        const env = flags.env ? await resolveEnvironment(client, flags.env) : undefined;
        const { items } = await client.call('listJobs', { query: { envId: env?.id, limit: Number(flags.limit) } });
        if (flags.json) return printJson(items);
        const envs = (await client.call('listEnvironments', { query: { limit: 1000 } })).items;
        printJobs(items, new Map(envs.map((e) => [e.id, e.name])));
      });
    });

  withClientOptions(program.command('logs').argument('<job>', 'job id'))
    .description('print a job’s log (stored, so a finished job’s too); -f follows it until the job ends')
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .action(async (id: string, flags: ClientFlags & { follow?: boolean }) => {
      await withClient(flags, async (client) => {
        const job = await resolveJob(client, id);
        await followJobLog(client, job.id, printer(flags.json), { follow: !!flags.follow }).done;
      });
    });

  withClientOptions(program.command('cancel').argument('<job>', 'job id'))
    .description('cancel a job: its whole process tree is stopped (SIGTERM, then SIGKILL)')
    .action(async (id: string, flags: ClientFlags) => {
      await withClient(flags, async (client) => {
        const job = await client.call('cancelJob', { params: { id: (await resolveJob(client, id)).id } });
        if (flags.json) printJson(job);
        else console.log(`${job.id}: ${job.state}${job.reason ? ` (${job.reason})` : ''}`);
      });
    });
}
