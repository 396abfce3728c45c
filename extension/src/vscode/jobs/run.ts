import * as vscode from 'vscode';
import type { CreateJobBody, Environment, Job } from '../../../../backend/src/protocol/index.js';
import { runScriptBody, scriptPath } from '../../jobs/run.js';
import { connected } from '../environments/context.js';
import { targetEnvironment } from '../environments/pick.js';
import { syncFolder } from '../workspaceSync.js';
import type { JobOrigin, JobsUi } from './context.js';

/** The Python file a command is for: the editor title's or explorer's resource, else the active editor's. */
export function targetFile(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  return vscode.window.activeTextEditor?.document.uri;
}

/** The environment to run in: the one the editor works in (a job terminal, a notebook), else the user's pick of the running ones. */
export async function runningEnvironment(ui: JobsUi): Promise<Environment | undefined> {
  const focused = ui.focus.current ? ui.environments.get(ui.focus.current) : undefined;
  if (focused?.state === 'running') return focused;
  const running = ui.environments.items.filter((e) => e.state === 'running');
  if (running.length === 1) return running[0];
  return targetEnvironment(ui.environments, undefined, ['running'], 'Run File in Environment');
}

/** Creates the job, remembers where it came from, clears the file's old problems and opens its terminal. */
export async function startJob(ui: JobsUi, env: Environment, body: CreateJobBody, origin?: JobOrigin): Promise<Job> {
  const job = await connected(ui.link).api.call('createJob', { body });
  ui.jobs.upsert(job);
  if (origin) ui.origins.set(job.id, origin);
  ui.problems.started(job.id, origin?.script);
  ui.terminals.show(job, env.name);
  return job;
}

/**
 * What Run File and Debug File both do first: the workspace file the command targets, the running
 * environment to use (undefined when the user picked none), the file saved and its folder synced.
 */
export async function prepareFile(ui: JobsUi, arg: unknown): Promise<{ uri: vscode.Uri; folder: vscode.WorkspaceFolder; script: string; env: Environment; root: string } | undefined> {
  const uri = targetFile(arg);
  if (!uri || uri.scheme !== 'file') throw new Error('open a Python file of the workspace first');
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const script = folder && scriptPath(folder.uri.fsPath, uri.fsPath);
  if (!folder || !script) throw new Error(`${vscode.workspace.asRelativePath(uri)} is not inside a workspace folder: only a workspace folder's files are synced to environments`);
  const env = await runningEnvironment(ui);
  if (!env) return undefined;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) await document.save();
  const root = await syncFolder(ui.client(), env, folder);
  return { uri, folder, script, env, root };
}

/** ML Workbench: Run File in Environment. */
export async function runFile(ui: JobsUi, arg: unknown): Promise<void> {
  const prepared = await prepareFile(ui, arg);
  if (!prepared) return;
  const { uri, folder, script, env, root } = prepared;
  await startJob(ui, env, runScriptBody(env.id, root, script), { folder, script: uri.fsPath });
}
