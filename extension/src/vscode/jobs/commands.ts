import * as vscode from 'vscode';
import type { Job, JobState } from '../../../../backend/src/protocol/index.js';
import { commandText } from '../../jobs/format.js';
import { rerunBody } from '../../jobs/run.js';
import { describeJob, JOB_ACTION_STATES, jobStateLook } from '../../jobs/rows.js';
import { COMMANDS } from '../../names.js';
import { register } from '../commands.js';
import { connected } from '../environments/context.js';
import { jobIdOf, type JobsUi } from './context.js';
import { runFile, startJob } from './run.js';
import { syncFolder } from '../workspaceSync.js';

/** The job a command is for: the row or id it was given, else the user's pick of the jobs in `states`. */
async function targetJob(ui: JobsUi, arg: unknown, states: readonly JobState[], title: string): Promise<Job | undefined> {
  const id = jobIdOf(arg);
  if (id) {
    const known = ui.jobs.get(id) ?? (await connected(ui.link).api.call('getJob', { params: { id } }));
    return known;
  }
  const candidates = ui.environments.items.flatMap((env) => ui.jobs.ofEnvironment(env.id).filter((j) => states.includes(j.state)));
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`ML Workbench: there is no job that is ${states.join(' or ')}.`);
    return undefined;
  }
  const items = candidates.map((job) => {
    const look = jobStateLook(job.state);
    return {
      job,
      label: commandText(job.command),
      description: `${ui.environments.get(job.envId)?.name ?? job.envId} · ${describeJob(job)}`,
      detail: job.id,
      iconPath: new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined),
    };
  });
  return (await vscode.window.showQuickPick(items, { title: `ML Workbench: ${title}`, placeHolder: 'Choose a job', matchOnDescription: true, matchOnDetail: true }))?.job;
}

const envName = (ui: JobsUi, job: Job): string => ui.environments.get(job.envId)?.name ?? job.envId;

async function rerun(ui: JobsUi, job: Job): Promise<void> {
  const env = ui.environments.get(job.envId);
  if (!env || env.state !== 'running') throw new Error(`environment ${env?.name ?? job.envId} is not running`);
  const origin = ui.origins.get(job.id);
  let body = rerunBody(job);
  // A job run from this window runs the files as they are now, not as they were.
  if (origin) {
    const root = await syncFolder(ui.client(), env, origin.folder);
    body = { ...body, cwd: root, workspaceRoot: root };
  }
  await startJob(ui, env, body, origin);
}

/** The job commands; each takes a job row or id, or (from the palette) asks which. */
export function registerJobCommands(ui: JobsUi, channel: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    register(channel, COMMANDS.runFile, (arg) => runFile(ui, arg)),
    register(channel, COMMANDS.showJobLog, async (arg) => {
      const job = await targetJob(ui, arg, JOB_ACTION_STATES.showLog, 'Show Job Log');
      if (job) ui.terminals.show(job, envName(ui, job));
    }),
    register(channel, COMMANDS.cancelJob, async (arg) => {
      const job = await targetJob(ui, arg, JOB_ACTION_STATES.cancel, 'Cancel Job');
      if (job) ui.jobs.upsert(await connected(ui.link).api.call('cancelJob', { params: { id: job.id } }));
    }),
    register(channel, COMMANDS.rerunJob, async (arg) => {
      const job = await targetJob(ui, arg, JOB_ACTION_STATES.rerun, 'Rerun Job');
      if (job) await rerun(ui, job);
    }),
    register(channel, COMMANDS.copyJobId, async (arg) => {
      const job = await targetJob(ui, arg, JOB_ACTION_STATES.copyId, 'Copy Job Id');
      if (!job) return;
      await vscode.env.clipboard.writeText(job.id);
      vscode.window.setStatusBarMessage(`ML Workbench: copied ${job.id}`, 3000);
    }),
  ];
}
