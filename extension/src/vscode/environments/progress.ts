import * as vscode from 'vscode';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import { modelStartupSource, StartupError, StartupTracker } from '../../environments/progress.js';
import { COMMANDS } from '../../names.js';
import { connected, type EnvironmentUi } from './context.js';

/**
 * A cancellable notification that follows an environment from a start request until it runs
 * (cancel stops it); a failure ends in an error toast with the environment's log one click away.
 * The log channel opens in the background at once, so it holds the build output when it fails.
 */
export async function followStartup(ui: EnvironmentUi, env: Environment, verb: string): Promise<void> {
  ui.model.upsert(env);
  ui.logs.show(env, false);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${verb} ${env.name}`, cancellable: true },
    async (progress, token): Promise<Environment | Error | 'cancelled'> => {
      const tracker = new StartupTracker(modelStartupSource(ui.model, ui.link), env, (message) => progress.report({ message }));
      let onCancel: vscode.Disposable | undefined;
      const cancelled = new Promise<'cancelled'>((resolve) => (onCancel = token.onCancellationRequested(() => resolve('cancelled'))));
      try {
        return await Promise.race([tracker.done, cancelled]);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      } finally {
        onCancel?.dispose();
        tracker.dispose();
      }
    },
  );
  if (outcome === 'cancelled') {
    await stopAfterCancel(ui, env);
  } else if (outcome instanceof StartupError) {
    // Toasts are not awaited: the command is done when the environment is, not when the toast goes.
    void failed(ui, env, outcome);
  } else if (outcome instanceof Error) {
    throw outcome;
  } else {
    void running(env);
  }
}

async function running(env: Environment): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`ML Workbench: ${env.name} is running.`, 'Open Terminal', 'Copy Jupyter URL');
  if (choice === 'Open Terminal') await vscode.commands.executeCommand(COMMANDS.openEnvironmentTerminal, env.id);
  if (choice === 'Copy Jupyter URL') await vscode.commands.executeCommand(COMMANDS.copyJupyterUrl, env.id);
}

/** Cancel means: do not go on starting it. */
async function stopAfterCancel(ui: EnvironmentUi, env: Environment): Promise<void> {
  vscode.window.setStatusBarMessage(`ML Workbench: stopping ${env.name}…`, 5000);
  ui.model.upsert(await connected(ui.link).api.call('stopEnvironment', { params: { id: env.id } }));
}

async function failed(ui: EnvironmentUi, env: Environment, error: StartupError): Promise<void> {
  ui.channel.error(error.message);
  if (error.outcome === 'deleted') return void vscode.window.showWarningMessage(`ML Workbench: ${error.message}.`);
  const choice = await vscode.window.showErrorMessage(`ML Workbench: ${error.message}`, 'Show Log');
  if (choice) ui.logs.show(ui.model.get(env.id) ?? env);
}
