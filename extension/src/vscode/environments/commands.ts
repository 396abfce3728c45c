import * as vscode from 'vscode';
import { jupyterUrl } from '../../environments/jupyter.js';
import type { ResourceMonitor } from '../../environments/monitor.js';
import { ACTION_STATES } from '../../environments/rows.js';
import { COMMANDS } from '../../names.js';
import { register } from '../commands.js';
import { connected, type EnvironmentUi } from './context.js';
import { createEnvironment } from './create.js';
import { openJupyterInBrowser } from './jupyterBrowser.js';
import { selectActiveEnvironment } from './monitor.js';
import { targetEnvironment } from './pick.js';
import { followStartup } from './progress.js';
import { openTerminal } from './terminal.js';

async function deleteEnvironment(ui: EnvironmentUi, arg: unknown): Promise<void> {
  const env = await targetEnvironment(ui.model, arg, ACTION_STATES.delete, 'Delete Environment');
  if (!env) return;
  const keep = 'Delete';
  const purge = 'Delete and Remove Workspace';
  const choice = await vscode.window.showWarningMessage(
    `Delete environment "${env.name}"?`,
    { modal: true, detail: `"${keep}" stops and removes it but keeps its workspace (the files in its home folder). "${purge}" removes those files too; that cannot be undone.` },
    keep,
    purge,
  );
  if (!choice) return;
  await connected(ui.link).api.call('deleteEnvironment', { params: { id: env.id }, query: { purge: choice === purge ? 'true' : 'false' } });
  vscode.window.setStatusBarMessage(`ML Workbench: deleted ${env.name}`, 3000);
}

/** The environment commands; each takes a tree row, an id, or (from the palette) asks which. */
export function registerEnvironmentCommands(ui: EnvironmentUi, monitor: ResourceMonitor): vscode.Disposable[] {
  const { channel, model, link } = ui;
  const api = () => connected(link).api;
  return [
    register(channel, COMMANDS.createEnvironment, () => createEnvironment(ui)),
    register(channel, COMMANDS.refreshEnvironments, () => model.refresh()),
    register(channel, COMMANDS.startEnvironment, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.start, 'Start Environment');
      if (env) await followStartup(ui, await api().call('startEnvironment', { params: { id: env.id } }), 'Starting');
    }),
    register(channel, COMMANDS.stopEnvironment, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.stop, 'Stop Environment');
      if (env) model.upsert(await api().call('stopEnvironment', { params: { id: env.id } }));
    }),
    register(channel, COMMANDS.restartEnvironment, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.restart, 'Restart Environment');
      if (env) await followStartup(ui, await api().call('restartEnvironment', { params: { id: env.id } }), 'Restarting');
    }),
    register(channel, COMMANDS.deleteEnvironment, (arg) => deleteEnvironment(ui, arg)),
    register(channel, COMMANDS.showEnvironmentLogs, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.showLogs, 'Show Environment Logs');
      if (env) ui.logs.show(env);
    }),
    register(channel, COMMANDS.openEnvironmentTerminal, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.openTerminal, 'Open Environment Terminal');
      if (env) openTerminal(ui, env);
    }),
    register(channel, COMMANDS.copyJupyterUrl, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.copyJupyterUrl, 'Copy Jupyter URL');
      if (!env) return;
      const url = jupyterUrl(connected(link).endpoint.url, env.id);
      await vscode.env.clipboard.writeText(url);
      vscode.window.setStatusBarMessage(`ML Workbench: copied ${url} (requests need the backend token)`, 5000);
    }),
    register(channel, COMMANDS.openJupyterInBrowser, async (arg) => {
      const env = await targetEnvironment(model, arg, ACTION_STATES.openJupyterInBrowser, 'Open in Jupyter (browser)');
      if (env) await openJupyterInBrowser(ui, env);
    }),
    register(channel, COMMANDS.selectActiveEnvironment, () => selectActiveEnvironment(monitor)),
  ];
}
