import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Job } from '../../../../backend/src/protocol/index.js';
import type { ConnectionController } from '../../backend/controller.js';
import { BackendLink } from '../../backend/link.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import { JobsModel } from '../../jobs/model.js';
import type { JobOutput } from '../../jobs/output.js';
import { jobProblem, JobProblems } from '../../jobs/problems.js';
import { jobRows } from '../../jobs/rows.js';
import { COMMANDS } from '../../names.js';
import type { TracebackProblem } from '../../tracebacks/problem.js';
import type { ResourceList } from '../../views/resourceList.js';
import { registerJobCommands } from './commands.js';
import type { JobOrigin, JobsUi } from './context.js';
import { showJobProblems } from './diagnostics.js';
import { JobTerminals } from './terminals.js';

export interface JobsDeps {
  controller: ConnectionController;
  environments: EnvironmentsModel;
  focus: EnvironmentFocus;
  channel: vscode.LogOutputChannel;
  /** The Environments view's rows: each environment row gets its recent jobs as children. */
  list: ResourceList;
}

/**
 * The pointer a job terminal prints under a failed job's outcome: the exception and where it struck
 * as an absolute `file:line`, which the terminal turns into a link.
 */
function pointer(problem: { message: string; file: string; line: number }): string {
  return `  ${problem.message.split('\n')[0]}\r\n  at ${problem.file}:${problem.line} (in the Problems panel)`;
}

/**
 * Where a failed job's traceback points in this window's files. A job run from this window maps into
 * the folder it synced; one started elsewhere (the CLI, another window) into the first workspace
 * folder that has the file its traceback names.
 */
function localProblem(job: Job, output: JobOutput, origin: JobOrigin | undefined): TracebackProblem | undefined {
  if (origin) return jobProblem(job, output, origin.folder.uri.fsPath);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const problem = jobProblem(job, output, folder.uri.fsPath);
    if (problem && existsSync(problem.file)) return problem;
  }
  return undefined;
}

/** Jobs: the model, their rows under the environments, the terminals, the diagnostics and the commands. */
export function registerJobs({ controller, environments, focus, channel, list }: JobsDeps): { model: JobsModel; problems: JobProblems; ui: JobsUi; disposables: vscode.Disposable[] } {
  const link = new BackendLink(controller);
  const jobs = new JobsModel(link);
  const problems = new JobProblems();
  const origins = new Map<string, JobOrigin>();
  const ended = (job: Job, output: JobOutput): string | undefined => {
    jobs.upsert(job);
    const problem = localProblem(job, output, origins.get(job.id));
    problems.ended(job.id, problem);
    return problem ? pointer(problem) : undefined;
  };
  const terminals = new JobTerminals({ link, focus, ended });
  const ui: JobsUi = { link, client: () => controller.client, environments, jobs, focus, problems, terminals, origins };
  list.setChildren((row) => (environments.get(row.id) ? jobRows(jobs.ofEnvironment(row.id), COMMANDS.showJobLog) : []));
  const offJobs = jobs.onDidChange(() => list.childrenChanged());
  return {
    model: jobs,
    problems,
    ui,
    disposables: [
      ...registerJobCommands(ui, channel),
      showJobProblems(problems),
      terminals,
      { dispose: () => list.setChildren(undefined) },
      { dispose: offJobs },
      jobs,
      link,
    ],
  };
}
