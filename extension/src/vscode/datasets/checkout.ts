import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { checkoutLayout, writeVersion } from '../../../../backend/src/client/data-checkout.js';
import { progressText, RateMeter } from '../../datasets/progress.js';
import { connected, type DatasetUi } from './context.js';
import { targetVersion } from './pick.js';

async function workspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to check the version out into' });
}

/**
 * Checkout: writes the version into `data/raw/<name>/` of the workspace with its `.dvc` file
 * through the client's `writeVersion` (the CLI's checkout: md5-verified downloads into a staging
 * folder swapped in at the end), after asking before it replaces what is there; progress with
 * bytes and rate, cancellable.
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
  const to = join(folder.uri.fsPath, 'data', 'raw');
  const plan = checkoutLayout(detail, to);
  const shown = vscode.workspace.asRelativePath(plan.target);
  if (existsSync(plan.target) || existsSync(plan.dvcFile)) {
    const replace = 'Replace';
    const detailText = `${detail.kind === 'folder' ? 'The whole folder is' : 'The file is'} replaced once every file has arrived and matched its md5; until then it stays as it is.`;
    const answer = await vscode.window.showWarningMessage(`${shown} exists. Replace it with ${version.ref}?`, { modal: true, detail: detailText }, replace);
    if (answer !== replace) return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking out ${version.ref}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const meter = new RateMeter();
      let shownPct = 0;
      const onProgress = ({ bytes, totalBytes }: { bytes: number; totalBytes: number }): void => {
        meter.add(bytes, Date.now());
        const pct = totalBytes ? Math.floor((bytes / totalBytes) * 100) : 100;
        progress.report({ message: progressText(bytes, totalBytes, meter.rate), increment: pct - shownPct });
        shownPct = pct;
      };
      await writeVersion(backend.client, detail, { to, force: true, onProgress, signal: abort.signal });
    },
  );
  const reveal = 'Reveal in Explorer';
  const choice = await vscode.window.showInformationMessage(`Checked out ${version.ref} into ${shown} (tracked by ${vscode.workspace.asRelativePath(plan.dvcFile)}).`, reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(plan.target));
}
