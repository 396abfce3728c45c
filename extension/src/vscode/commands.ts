import * as vscode from 'vscode';
import { ApiError } from '../../../backend/src/client/index.js';
import type { ConnectionController } from '../backend/controller.js';
import { checkBackendUrl } from '../backend/settings.js';
import { COMMANDS, TOKEN_SECRET } from '../names.js';
import { showConnectionDetails } from './connectionDetails.js';
import { backendSettings, setBackendUrl } from './settings.js';

export interface CommandDeps {
  controller: ConnectionController;
  channel: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
}

/** Registers a command whose errors end here: logged, and shown once with a way to the log. */
export function register(channel: vscode.LogOutputChannel, id: string, run: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      await run(...args);
    } catch (error) {
      const message = error instanceof ApiError ? error.describe() : error instanceof Error ? error.message : String(error);
      channel.error(`${id} failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(`ML Workbench: ${message}`, 'Show Log');
      if (choice) channel.show();
    }
  });
}

async function promptBackendUrl(): Promise<void> {
  const url = await vscode.window.showInputBox({
    title: 'ML Workbench: Backend URL',
    prompt: 'The URL of an ML Workbench server (mlwb server). Leave it empty to use the built-in backend.',
    placeHolder: 'https://mlwb.example.org:8787',
    value: backendSettings().url,
    ignoreFocusOut: true,
    validateInput: checkBackendUrl,
  });
  // Undefined: the user cancelled. Saving the setting reconnects (see the configuration listener).
  if (url !== undefined) await setBackendUrl(url.trim());
}

async function promptToken(secrets: vscode.SecretStorage): Promise<void> {
  const token = await vscode.window.showInputBox({
    title: 'ML Workbench: Backend Token',
    prompt: 'The API token of your user on the remote backend (see `mlwb token create`). Leave it empty to forget the stored token.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (/\s/.test(value.trim()) ? 'A token has no spaces.' : undefined),
  });
  if (token === undefined) return;
  // Storing fires secrets.onDidChange, which reconnects.
  if (token.trim()) await secrets.store(TOKEN_SECRET, token.trim());
  else await secrets.delete(TOKEN_SECRET);
}

export function registerCommands({ controller, channel, secrets }: CommandDeps): vscode.Disposable[] {
  return [
    register(channel, COMMANDS.showConnection, () => showConnectionDetails(controller.state)),
    register(channel, COMMANDS.reconnect, () => controller.connect()),
    register(channel, COMMANDS.setBackendUrl, promptBackendUrl),
    register(channel, COMMANDS.setToken, () => promptToken(secrets)),
    register(channel, COMMANDS.showLog, () => channel.show()),
  ];
}
