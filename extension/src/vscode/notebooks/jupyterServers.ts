import type { Jupyter } from '@vscode/jupyter-extension';
import * as vscode from 'vscode';
import type { ConnectionController } from '../../backend/controller.js';
import type { EnvironmentsModel } from '../../environments/model.js';
import { COLLECTION_ID, COLLECTION_LABEL, EnvironmentServers, type JupyterServerCollectionApi } from '../../notebooks/jupyterServers.js';

export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';

/** Fails to compile if the real API stops fitting the shapes the provider is written against. */
const fits = (api: Jupyter): JupyterServerCollectionApi<vscode.Uri> => api;

interface Deps {
  connection: ConnectionController;
  environments: EnvironmentsModel;
  channel: vscode.LogOutputChannel;
}

/**
 * When the Jupyter extension is installed, the running environments also appear in its kernel
 * picker ("ML Workbench" under "Select Another Kernel… > Existing Jupyter Server"). Without it this does nothing.
 */
export function registerJupyterServers({ connection, environments, channel }: Deps): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  const contribute = async (): Promise<void> => {
    const extension = vscode.extensions.getExtension<Jupyter>(JUPYTER_EXTENSION_ID);
    if (!extension || disposables.length) return;
    const api = fits(extension.isActive ? extension.exports : await extension.activate());
    const provider = new EnvironmentServers(
      { environments: { get items() { return environments.items; }, onDidChange: (fn) => environments.onDidChange(fn) }, client: () => connection.client?.options },
      (url) => vscode.Uri.parse(url),
    );
    disposables.push(provider, api.createJupyterServerCollection(COLLECTION_ID, COLLECTION_LABEL, provider));
    channel.info('contributed the running environments to the Jupyter extension\'s kernel picker');
  };
  const tryContribute = (): void => void contribute().catch((error: Error) => channel.warn(`could not contribute environments to the Jupyter extension: ${error.message}`));
  tryContribute();
  return [
    vscode.extensions.onDidChange(tryContribute),
    { dispose: () => disposables.splice(0).forEach((d) => d.dispose()) },
  ];
}
