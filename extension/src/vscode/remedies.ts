import * as vscode from 'vscode';
import type { Remedy } from '../backend/connection.js';
import { BACKEND_SETTINGS, COMMANDS } from '../names.js';

/** Carries out what a failure's remedy button promises. */
export async function runRemedy(remedy: Remedy): Promise<void> {
  switch (remedy) {
    case 'restart':
    case 'reconnect':
      await vscode.commands.executeCommand(COMMANDS.reconnect);
      return;
    case 'setToken':
      await vscode.commands.executeCommand(COMMANDS.setToken);
      return;
    case 'configure':
      await vscode.commands.executeCommand('workbench.action.openSettings', BACKEND_SETTINGS);
      return;
  }
}
