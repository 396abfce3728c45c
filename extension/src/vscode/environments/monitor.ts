import * as vscode from 'vscode';
import type { BackendLink } from '../../backend/link.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import { ResourceMonitor } from '../../environments/monitor.js';
import { ACTIVE_ENVIRONMENT_KEY, COMMANDS } from '../../names.js';
import { connected } from './context.js';
import { environmentItem } from './pick.js';

/** The status-bar resource monitor of the active environment; hidden while none runs. */
export function createResourceMonitor(link: BackendLink, model: EnvironmentsModel, memory: vscode.Memento, editorFocus?: EnvironmentFocus): { monitor: ResourceMonitor; disposable: vscode.Disposable } {
  const monitor = new ResourceMonitor(
    {
      environments: () => model.items,
      onDidChangeEnvironments: (fn) => model.onDidChange(fn),
      fetchStats: (id) => connected(link).api.call('environmentStats', { params: { id } }),
      remembered: { get: () => memory.get<string>(ACTIVE_ENVIRONMENT_KEY), set: (id) => void memory.update(ACTIVE_ENVIRONMENT_KEY, id) },
      focus: editorFocus,
    },
    vscode.window.state.focused,
  );
  const item = vscode.window.createStatusBarItem('mlwb.resources', vscode.StatusBarAlignment.Left, 9);
  item.name = 'ML Workbench Environment Resources';
  item.command = COMMANDS.selectActiveEnvironment;
  const render = (): void => {
    const view = monitor.view;
    if (view.hidden) return item.hide();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.show();
  };
  render();
  const offView = monitor.onDidChange(render);
  const focus = vscode.window.onDidChangeWindowState((state) => monitor.setFocused(state.focused));
  return {
    monitor,
    disposable: new vscode.Disposable(() => {
      focus.dispose();
      offView();
      monitor.dispose();
      item.dispose();
    }),
  };
}

/** Select Active Environment…: which running environment the status bar watches (remembered per workspace). */
export async function selectActiveEnvironment(monitor: ResourceMonitor): Promise<void> {
  const running = monitor.running;
  if (!running.length) {
    void vscode.window.showInformationMessage('ML Workbench: no environment is running.');
    return;
  }
  const current = monitor.view.hidden ? undefined : monitor.view.envId;
  const items = running.map((env) => ({ ...environmentItem(env), picked: env.id === current }));
  const picked = await vscode.window.showQuickPick(items, { title: 'ML Workbench: Environment to Watch', placeHolder: 'Its CPU, memory and GPU use show in the status bar' });
  if (picked) monitor.select(picked.env.id);
}
