import * as vscode from 'vscode';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import { jupyterLoginUrl } from '../../environments/jupyter.js';
import { connected, type EnvironmentUi } from './context.js';

/**
 * "Open in Jupyter (browser)": a one-time ticket link that logs the browser in to this
 * environment's Jupyter UI through the backend's proxy (the token never goes to the browser).
 * `asExternalUri` maps a localhost backend to what the user's browser can reach (remote windows,
 * code-server); on the desktop it is the URL itself.
 */
export async function openJupyterInBrowser(ui: EnvironmentUi, env: Environment): Promise<void> {
  const { api, endpoint } = connected(ui.link);
  const ticket = await api.call('createJupyterTicket', { params: { id: env.id } });
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(jupyterLoginUrl(endpoint.url, ticket.path)));
  if (!(await vscode.env.openExternal(external))) {
    void vscode.window.showWarningMessage(`ML Workbench: could not open a browser for "${env.name}"; the one-time link, valid for a minute: ${external.toString(true)}`);
  }
}
