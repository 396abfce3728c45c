import type * as vscode from 'vscode';
import type { ConnectionController } from '../../backend/controller.js';
import { BackendLink } from '../../backend/link.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import { EnvironmentsModel } from '../../environments/model.js';
import { environmentRows } from '../../environments/rows.js';
import { COMMANDS } from '../../names.js';
import type { ResourceList } from '../../views/resourceList.js';
import { register } from '../commands.js';
import { registerEnvironmentCommands } from './commands.js';
import { EnvironmentLogChannels } from './logs.js';
import { createResourceMonitor } from './monitor.js';
import { changeResources } from './resize.js';

export interface EnvironmentsDeps {
  controller: ConnectionController;
  channel: vscode.LogOutputChannel;
  /** The Environments view's rows. */
  list: ResourceList;
  workspaceState: vscode.Memento;
  /** The environment the editor works in: the status-bar monitor follows it. */
  focus?: EnvironmentFocus;
}

/** The Environments feature: the model, the view's rows, the commands, log channels and the resource monitor. */
export function registerEnvironments({ controller, channel, list, workspaceState, focus }: EnvironmentsDeps): { model: EnvironmentsModel; disposables: vscode.Disposable[] } {
  const link = new BackendLink(controller);
  const model = new EnvironmentsModel(link);
  const render = (): void => list.replace(environmentRows(model.status, model.items, COMMANDS.refreshEnvironments));
  render();
  const offModel = model.onDidChange(render);
  const logs = new EnvironmentLogChannels(link, model);
  const { monitor, disposable: monitorDisposable } = createResourceMonitor(link, model, workspaceState, focus);
  const ui = { link, model, logs, channel };
  return {
    model,
    disposables: [
      ...registerEnvironmentCommands(ui, monitor),
      register(channel, COMMANDS.changeResources, (arg) => changeResources(ui, arg)),
      monitorDisposable,
      logs,
      { dispose: offModel },
      model,
      link,
    ],
  };
}
