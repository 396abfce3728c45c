import * as vscode from 'vscode';
import type { Connection } from '../backend/connection.js';
import { CONNECTION_CONTEXT_KEY } from '../names.js';

/** Mirrors the connection status into a context key, so welcome texts and menus can depend on it. */
export function trackConnectionContext(connection: Connection): vscode.Disposable {
  const set = (): void => void vscode.commands.executeCommand('setContext', CONNECTION_CONTEXT_KEY, connection.state.status);
  set();
  const off = connection.onDidChange(set);
  return new vscode.Disposable(off);
}
