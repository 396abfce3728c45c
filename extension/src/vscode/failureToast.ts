import * as vscode from 'vscode';
import type { Connection } from '../backend/connection.js';
import { REMEDY_TITLES } from '../backend/summary.js';
import { COMMANDS } from '../names.js';
import { runRemedy } from './remedies.js';

/** Tells the user once each time the connection goes down, with the action that helps and the log. */
export function showFailures(connection: Connection): vscode.Disposable {
  let wasDown = false;
  const off = connection.onDidChange((state) => {
    const down = state.status === 'down';
    if (down && !wasDown) void offerRemedy(state.reason, state.remedy);
    wasDown = down;
  });
  return new vscode.Disposable(off);
}

async function offerRemedy(reason: string, remedy: Parameters<typeof runRemedy>[0]): Promise<void> {
  const fix = REMEDY_TITLES[remedy];
  const choice = await vscode.window.showErrorMessage(`ML Workbench backend: ${reason}`, fix, 'Show Log');
  if (choice === fix) await runRemedy(remedy);
  else if (choice === 'Show Log') await vscode.commands.executeCommand(COMMANDS.showLog);
}
