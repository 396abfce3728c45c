import * as vscode from 'vscode';
import type { ConnectionController } from '../../backend/controller.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import { COMMANDS } from '../../names.js';
import { notebookTarget } from '../../notebooks/target.js';
import { register } from '../commands.js';
import { KernelController } from './kernelController.js';
import { EnvironmentKernels } from '../../notebooks/environmentKernels.js';
import { registerJupyterServers } from './jupyterServers.js';
import { CellProblems } from '../../notebooks/cellProblems.js';
import { showCellProblems } from './cellDiagnostics.js';
import { syncFolder } from '../workspaceSync.js';

export interface NotebooksDeps {
  controller: ConnectionController;
  environments: EnvironmentsModel;
  focus: EnvironmentFocus;
  channel: vscode.LogOutputChannel;
}

/** The notebook argument of a `notebook/toolbar` command, or the active notebook. */
function notebookOf(arg: unknown): vscode.NotebookDocument | undefined {
  const uri = (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  if (uri) return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

/**
 * Notebooks on environment kernels: one notebook controller per running environment, created and
 * disposed as environments start and stop; Restart Kernel; the environment of the active notebook's
 * kernel as the editor's focus; the environments in the Jupyter extension's kernel picker.
 */
export function registerNotebooks({ controller: connection, environments, focus, channel }: NotebooksDeps): vscode.Disposable[] {
  const controllers = new Map<string, KernelController>();
  /** The environment whose controller each notebook (by URI) selected. */
  const selected = new Map<string, string>();
  /** The errors cells ended with, in the Problems panel. */
  const problems = new CellProblems<vscode.NotebookCell>();

  const updateFocus = (): void => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    focus.set('notebook', notebook ? selected.get(notebook.uri.toString()) : undefined);
  };

  const add = (envId: string): void => {
    const env = environments.get(envId);
    const client = connection.client;
    if (!env || !client) return;
    const target = notebookTarget(client.options, env, async () => (await client.call('getEnvironment', { params: { id: env.id } })).state === 'running');
    const kernel = new KernelController(env, new EnvironmentKernels(target), channel, problems, (folder) => syncFolder(connection.client, env, folder));
    kernel.controller.onDidChangeSelectedNotebooks(({ notebook, selected: isSelected }) => {
      const key = notebook.uri.toString();
      if (isSelected) selected.set(key, env.id);
      else if (selected.get(key) === env.id) selected.delete(key);
      updateFocus();
    });
    controllers.set(env.id, kernel);
  };

  const remove = (envId: string, stopped: boolean): void => {
    const kernel = controllers.get(envId);
    if (!kernel) return;
    controllers.delete(envId);
    if (stopped) {
      kernel.environmentStopped();
      // the cut-off cells end a few microtasks later: dispose the controller after they did
      setTimeout(() => kernel.dispose(), 0);
    } else {
      kernel.dispose();
    }
    for (const [key, id] of selected) if (id === envId) selected.delete(key);
    updateFocus();
  };

  const sync = (): void => {
    const running = new Set(environments.items.filter((e) => e.state === 'running').map((e) => e.id));
    for (const id of [...controllers.keys()]) if (!running.has(id)) remove(id, true);
    for (const id of running) if (!controllers.has(id)) add(id);
  };
  // A new backend session (another URL or token) means new targets: start over.
  let client = connection.client;
  const offModel = environments.onDidChange(() => {
    if (connection.client !== client) {
      client = connection.client;
      for (const id of [...controllers.keys()]) remove(id, false);
    }
    sync();
  });
  sync();

  const restartKernel = async (arg: unknown): Promise<void> => {
    const notebook = notebookOf(arg);
    const envId = notebook && selected.get(notebook.uri.toString());
    const kernel = envId ? controllers.get(envId) : undefined;
    if (!notebook || !kernel) throw new Error('the active notebook does not run on an ML Workbench environment');
    await kernel.restart(notebook);
    vscode.window.setStatusBarMessage(`ML Workbench: restarted the kernel in ${kernel.env.name}`, 3000);
  };

  return [
    register(channel, COMMANDS.restartKernel, restartKernel),
    vscode.window.onDidChangeActiveNotebookEditor(updateFocus),
    showCellProblems(problems),
    ...registerJupyterServers({ connection, environments, channel }),
    {
      dispose: () => {
        offModel();
        for (const id of [...controllers.keys()]) remove(id, false);
      },
    },
  ];
}
