import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { checkoutPlan, writeCheckout } from '../../datasets/checkout.js';
import { downloadVersionFile } from '../../datasets/download.js';
import { progressText, RateMeter } from '../../datasets/progress.js';
import { connected, type DatasetUi } from './context.js';
import { targetVersion } from './pick.js';

async function workspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to check the version out into' });
}

/**
 * Checkout: writes the version into `data/raw/<name>/` of the workspace with its `.dvc` file (see
 * `checkoutPlan`), after asking before it replaces what is there; progress with bytes and rate,
 * cancellable.
 */
export async function checkoutVersion(ui: DatasetUi, arg: unknown): Promise<void> {
  const version = await targetVersion(ui.model, arg, 'Checkout');
  if (!version) return;
  const folder = await workspaceFolder();
  if (!folder) {
    void vscode.window.showWarningMessage('ML Workbench: open a folder to check a dataset version out into.');
    return;
  }
  const backend = connected(ui);
  const detail = await backend.api.call('getVersion', { params: { name: version.dataset, number: version.number } });
  const plan = checkoutPlan(detail, folder.uri.fsPath);
  const shown = vscode.workspace.asRelativePath(plan.target);
  if (existsSync(plan.target) || existsSync(plan.dvcFile)) {
    const replace = 'Replace';
    const answer = await vscode.window.showWarningMessage(`${shown} exists. Replace it with ${version.ref}?`, { modal: true, detail: 'Files of the same name are overwritten; other files there are left alone.' }, replace);
    if (answer !== replace) return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking out ${version.ref}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const meter = new RateMeter();
      let done = 0;
      let shownPct = 0;
      const onBytes = (bytes: number): void => {
        done += bytes;
        meter.add(done, Date.now());
        const pct = detail.totalSize ? Math.floor((done / detail.totalSize) * 100) : 100;
        progress.report({ message: progressText(done, detail.totalSize, meter.rate), increment: pct - shownPct });
        shownPct = pct;
      };
      const name = { name: version.dataset, number: version.number };
      await writeCheckout(plan, (file, dest, report) => downloadVersionFile(backend.client.options, name, file, dest, report, abort.signal), onBytes);
    },
  );
  const reveal = 'Reveal in Explorer';
  const choice = await vscode.window.showInformationMessage(`Checked out ${version.ref} into ${shown} (tracked by ${vscode.workspace.asRelativePath(plan.dvcFile)}).`, reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(plan.target));
}
