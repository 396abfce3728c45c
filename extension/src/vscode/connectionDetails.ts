import * as vscode from 'vscode';
import type { ConnectionState, Remedy } from '../backend/connection.js';
import { detailRows } from '../backend/summary.js';
import { COMMANDS } from '../names.js';
import { runRemedy } from './remedies.js';

interface DetailItem extends vscode.QuickPickItem {
  /** Copied to the clipboard when picked. */
  copy?: string;
  run?: () => Thenable<unknown>;
  /** The failures this action is the remedy for: it is listed first when one of them happened. */
  fixes?: Remedy[];
}

const command = (id: string) => () => vscode.commands.executeCommand(id);

function actions(state: ConnectionState): DetailItem[] {
  const endpoint = 'endpoint' in state ? state.endpoint : undefined;
  // Reconnecting to another window's backend does not restart it: it finds it again.
  const restarts = state.status === 'starting' || (endpoint?.mode === 'embedded' && !endpoint.attached);
  const items: DetailItem[] = [
    { label: restarts ? '$(debug-restart) Restart Backend' : '$(refresh) Reconnect', fixes: ['restart', 'reconnect'], run: command(COMMANDS.reconnect) },
    { label: '$(output) Open Log', run: command(COMMANDS.showLog) },
    { label: '$(link) Set Backend URL…', run: command(COMMANDS.setBackendUrl) },
    { label: '$(key) Set Backend Token…', description: 'for a remote backend', fixes: ['setToken'], run: command(COMMANDS.setToken) },
    { label: '$(gear) Open Settings', fixes: ['configure'], run: () => runRemedy('configure') },
  ];
  if (state.status !== 'down') return items;
  const fixes = (item: DetailItem): boolean => item.fixes?.includes(state.remedy) ?? false;
  return [...items.filter(fixes), ...items.filter((item) => !fixes(item))];
}

/** A quick pick listing the connection's details (pick one to copy it) and what can be done. */
export async function showConnectionDetails(state: ConnectionState): Promise<void> {
  const items: DetailItem[] = [
    ...detailRows(state).map((row) => ({ label: row.label, description: row.value, copy: row.value })),
    { label: 'Actions', kind: vscode.QuickPickItemKind.Separator },
    ...actions(state),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'ML Workbench: Connection Details',
    placeHolder: 'Pick a detail to copy it, or an action',
    matchOnDescription: true,
  });
  if (picked?.run) {
    await picked.run();
  } else if (picked?.copy) {
    await vscode.env.clipboard.writeText(picked.copy);
    vscode.window.setStatusBarMessage(`Copied ${picked.label}`, 3000);
  }
}
