import * as vscode from 'vscode';
import { openPortSocket } from '../../../../backend/src/client/index.js';
import type { Environment, Job } from '../../../../backend/src/protocol/index.js';
import { attachConfiguration, debugJobBody, debugPort, debuggerType, PYTHON_DEBUGGER_EXTENSION, type DebuggerType } from '../../debug/configuration.js';
import { DebugRun } from '../../debug/session.js';
import { PortTunnel } from '../../debug/tunnel.js';
import { connected } from '../environments/context.js';
import type { JobsUi } from '../jobs/context.js';
import { prepareFile, startJob } from '../jobs/run.js';

/** Debug runs by job id, so the editor's debug session events find theirs. */
export type DebugRuns = Map<string, DebugRun>;

/** The debug type to attach with, or undefined after telling the user what to install. */
async function pythonDebugger(): Promise<DebuggerType | undefined> {
  const type = debuggerType((id) => vscode.extensions.getExtension(id) !== undefined);
  if (type) return type;
  const show = 'Show Python Debugger Extension';
  const choice = await vscode.window.showErrorMessage(
    `ML Workbench: debugging needs the Python Debugger extension (${PYTHON_DEBUGGER_EXTENSION}), which is not installed. Install it, then debug again.`,
    show,
  );
  if (choice === show) await vscode.commands.executeCommand('workbench.extensions.search', `@id:${PYTHON_DEBUGGER_EXTENSION}`);
  return undefined;
}

/** Waits (with a cancellable notification) until debugpy listens in the environment; false when the user cancelled. */
function waitForDebugpy(env: Environment, tunnel: PortTunnel, run: DebugRun): Thenable<boolean> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ML Workbench: starting debugpy in ${env.name}…`, cancellable: true },
    async (_progress, token) => {
      const stop = new AbortController();
      const cancel = token.onCancellationRequested(() => stop.abort(new Error('cancelled')));
      const offJob = (): void => stop.abort(run.jobEnded.reason);
      run.jobEnded.addEventListener('abort', offJob, { once: true });
      if (run.jobEnded.aborted) offJob();
      try {
        await tunnel.ready({ signal: stop.signal });
        return true;
      } catch (err) {
        if (token.isCancellationRequested) return false;
        throw err;
      } finally {
        cancel.dispose();
        run.jobEnded.removeEventListener('abort', offJob);
      }
    },
  );
}

function trackRun(ui: JobsUi, runs: DebugRuns, job: Job, tunnel: PortTunnel): DebugRun {
  let session: vscode.DebugSession | undefined;
  const offStart = vscode.debug.onDidStartDebugSession((s) => {
    if (s.configuration.mlwbJobId !== job.id) return;
    session = s;
    run.sessionStarted();
  });
  const run = new DebugRun({
    jobState: () => ui.jobs.get(job.id)?.state ?? job.state,
    onJobChange: (fn) => ui.jobs.onDidChange(fn),
    cancelJob: async () => ui.jobs.upsert(await connected(ui.link).api.call('cancelJob', { params: { id: job.id } })),
    stopSession: async () => session && vscode.debug.stopDebugging(session),
    closeTunnel: async () => {
      offStart.dispose();
      runs.delete(job.id);
      await tunnel.close();
    },
  });
  runs.set(job.id, run);
  return run;
}

/**
 * ML Workbench: Debug File in Environment. Syncs the folder, starts the file under debugpy as a job
 * (with its terminal, like Run File), tunnels a local port to debugpy through the backend, waits
 * until it listens and attaches VS Code's Python debugger with the folder mapped to where it was synced.
 */
export async function debugFile(ui: JobsUi, runs: DebugRuns, arg: unknown): Promise<void> {
  const type = await pythonDebugger();
  if (!type) return;
  const prepared = await prepareFile(ui, arg);
  if (!prepared) return;
  const { uri, folder, script, env, root } = prepared;
  const client = ui.client();
  if (!client) throw new Error('the backend is not connected (see "ML Workbench: Show Connection Details")');
  const port = debugPort();
  const tunnel = await PortTunnel.open(() => openPortSocket(client.options, env.id, port));
  let job: Job;
  try {
    job = await startJob(ui, env, debugJobBody(env.id, root, script, port), { folder, script: uri.fsPath });
  } catch (err) {
    await tunnel.close();
    throw err;
  }
  const run = trackRun(ui, runs, job, tunnel);
  try {
    if (!(await waitForDebugpy(env, tunnel, run))) {
      await run.abandon(); // the user cancelled: the job goes too
      return;
    }
    const config = attachConfiguration({ jobId: job.id, name: `${script} in ${env.name}`, localPort: tunnel.port, localRoot: folder.uri.fsPath, remoteRoot: root, type });
    if (!(await vscode.debug.startDebugging(folder, config))) throw new Error('VS Code did not start the Python debugger (see the Debug Console)');
  } catch (err) {
    await run.abandon();
    throw err;
  }
}
