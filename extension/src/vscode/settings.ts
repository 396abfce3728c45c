import * as vscode from 'vscode';
import { readBackendSettings, type BackendSettings } from '../backend/settings.js';
import { BACKEND_SETTINGS } from '../names.js';

export function backendSettings(): BackendSettings {
  const section = vscode.workspace.getConfiguration(BACKEND_SETTINGS);
  return readBackendSettings((key) => section.get(key));
}

/** The URL is a machine setting (a workspace must not redirect the token elsewhere), so it goes to the user's settings. */
export async function setBackendUrl(url: string): Promise<void> {
  await vscode.workspace.getConfiguration(BACKEND_SETTINGS).update('url', url, vscode.ConfigurationTarget.Global);
}
