import * as vscode from 'vscode';
import type { Connection } from './backend/connection.js';
import { ConnectionController } from './backend/controller.js';
import { findOnPath } from './backend/nodeRuntime.js';
import { BACKEND_SETTINGS, EMBEDDED_TOKEN_SECRET, TOKEN_SECRET } from './names.js';
import { EnvironmentFocus } from './environments/focus.js';
import type { EnvironmentsModel } from './environments/model.js';
import type { JobsModel } from './jobs/model.js';
import type { DatasetsModel } from './datasets/model.js';
import { registerCommands } from './vscode/commands.js';
import { registerDebug } from './vscode/debug/index.js';
import { registerDatasets } from './vscode/datasets/index.js';
import { trackConnectionContext } from './vscode/contextKey.js';
import { registerEnvironments } from './vscode/environments/index.js';
import { registerJobs } from './vscode/jobs/index.js';
import { registerNotebooks } from './vscode/notebooks/index.js';
import { showFailures } from './vscode/failureToast.js';
import { createOutput } from './vscode/output.js';
import { backendSettings } from './vscode/settings.js';
import { createStatusBar } from './vscode/statusBar.js';
import { registerViews, type ViewLists } from './views/register.js';

/** What `activate` returns: handles for other extensions and for the extension-host tests. */
export interface MlwbApi {
  controller: ConnectionController;
  connection: Connection;
  output: vscode.LogOutputChannel;
  views: ViewLists;
  environments: EnvironmentsModel;
  /** The environment the editor works in (a job terminal's, a notebook kernel's). */
  focus: EnvironmentFocus;
  jobs: JobsModel;
  datasets: DatasetsModel;
}

/** Settings UIs write on every keystroke; wait for a pause before reconnecting. */
const SETTINGS_SETTLE_MS = 500;

let controller: ConnectionController | undefined;

export function activate(context: vscode.ExtensionContext): MlwbApi {
  const { channel, logger } = createOutput();
  const { secrets, subscriptions } = context;
  controller = new ConnectionController({
    settings: backendSettings,
    extensionPath: context.extensionPath,
    storagePath: context.globalStorageUri.fsPath,
    logger,
    remoteToken: async () => (await secrets.get(TOKEN_SECRET)) || process.env.MLWB_TOKEN,
    embeddedToken: {
      get: async () => secrets.get(EMBEDDED_TOKEN_SECRET),
      store: async (token) => secrets.store(EMBEDDED_TOKEN_SECRET, token),
    },
    nodeHost: { execPath: process.execPath, electron: process.versions.electron, findOnPath: (name) => findOnPath(name) },
  });
  const connection = controller.connection;
  const reconnect = debounce(() => void controller?.connect(), SETTINGS_SETTLE_MS);

  subscriptions.push(
    channel,
    reconnect,
    createStatusBar(connection),
    trackConnectionContext(connection),
    showFailures(connection),
    ...registerCommands({ controller, channel, secrets }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(BACKEND_SETTINGS)) reconnect.run();
    }),
    secrets.onDidChange((e) => {
      // Only a remote backend uses this token; the embedded backend's own token has another key.
      if (e.key === TOKEN_SECRET && backendSettings().url) reconnect.run();
    }),
  );
  const views = registerViews(subscriptions);
  const focus = new EnvironmentFocus();
  const environments = registerEnvironments({ controller, channel, list: views['mlwb.environments'], workspaceState: context.workspaceState, focus });
  subscriptions.push(...environments.disposables);
  const jobs = registerJobs({ controller, environments: environments.model, focus, channel, list: views['mlwb.environments'] });
  subscriptions.push(...jobs.disposables);
  subscriptions.push(...registerDebug(jobs.ui, channel));
  const datasets = registerDatasets({ controller, channel, list: views['mlwb.datasets'], extensionUri: context.extensionUri });
  subscriptions.push(...datasets.disposables);
  subscriptions.push(...registerNotebooks({ controller, environments: environments.model, focus, channel }));

  logger.log({ level: 'info', message: `activated in ${vscode.env.appName} ${vscode.version} (${process.platform}, Node ${process.versions.node})` });
  void controller.connect();
  return { controller, connection, output: channel, views, environments: environments.model, focus, jobs: jobs.model, datasets: datasets.model };
}

/**
 * Stops the embedded backend if this window started it (one that another window started keeps
 * running for that window); VS Code waits for the returned promise (for a few seconds).
 */
export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

function debounce(fn: () => void, ms: number): { run(): void; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    run: () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    dispose: () => clearTimeout(timer),
  };
}
