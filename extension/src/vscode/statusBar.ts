import * as vscode from 'vscode';
import type { Connection } from '../backend/connection.js';
import { statusSummary } from '../backend/summary.js';
import { COMMANDS } from '../names.js';

const BACKGROUNDS = { normal: undefined, warning: 'statusBarItem.warningBackground', error: 'statusBarItem.errorBackground' } as const;

/** The status-bar item that shows the backend connection; a click shows the details. */
export function createStatusBar(connection: Connection): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlwb.connection', vscode.StatusBarAlignment.Left, 10);
  item.name = 'ML Workbench Connection';
  item.command = COMMANDS.showConnection;
  const render = (): void => {
    const summary = statusSummary(connection.state);
    item.text = summary.text;
    item.tooltip = summary.tooltip;
    const background = BACKGROUNDS[summary.tone];
    item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
  };
  render();
  item.show();
  const off = connection.onDidChange(render);
  return new vscode.Disposable(() => {
    off();
    item.dispose();
  });
}
