import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { DatasetVersion } from '../../../../backend/src/protocol/index.js';
import type { UploadProgress } from '../../../../backend/src/client/data-upload.js';
import { addDataset, clientUpload, duplicateQuestion, type AddRequest, type AddUpload, type DuplicateChoice } from '../../datasets/addFlow.js';
import { DATASET_COMMANDS } from '../../datasets/commandIds.js';
import { datasetNameProblem, defaultDatasetName } from '../../datasets/names.js';
import { progressText, RateMeter } from '../../datasets/progress.js';
import { relativeTime } from '../../datasets/time.js';
import { connected, type DatasetUi } from './context.js';

/** The file or folder to add: the explorer's selection, else the one the user picks. */
async function source(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const picked = await vscode.window.showOpenDialog({
    title: 'Add Dataset',
    openLabel: 'Add Dataset',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

async function askName(ui: DatasetUi, path: string, isFolder: boolean): Promise<string | undefined> {
  const existing = new Set(ui.model.items.map((i) => i.dataset.name));
  const name = await vscode.window.showInputBox({
    title: 'Add Dataset (1/2): name',
    prompt: `The dataset ${basename(path)} becomes a version of. An existing name adds a new version to it.`,
    value: defaultDatasetName(basename(path), isFolder),
    validateInput: (value) => {
      const problem = datasetNameProblem(value);
      if (problem) return problem;
      return existing.has(value.trim()) ? { message: `adds a version to the existing dataset ${value.trim()}`, severity: vscode.InputBoxValidationSeverity.Info } : undefined;
    },
  });
  return name?.trim();
}

async function askMessage(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Add Dataset (2/2): message (optional)',
    prompt: 'What this version is, e.g. "raw export of 2024-06" (Enter for none)',
    validateInput: (value) => (value.length > 2000 ? 'at most 2000 characters' : undefined),
  });
}

async function askDuplicate(existing: DatasetVersion): Promise<DuplicateChoice> {
  const keep = `Keep v${existing.number}`;
  const force = 'Create New Version Anyway';
  const answer = await vscode.window.showWarningMessage(
    `Identical to v${existing.number}`,
    { modal: true, detail: `${duplicateQuestion(existing, relativeTime(existing.createdAt, Date.now()))} A new version would hold the same bytes under a new number.` },
    keep,
    force,
  );
  return answer === keep ? 'keep' : answer === force ? 'force' : undefined;
}

/** Runs the upload under a cancellable notification that shows bytes sent and the rate. */
function withUploadProgress(ui: DatasetUi, request: AddRequest, run: (upload: AddUpload) => Promise<void>): Thenable<void> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Adding ${basename(request.path)} as ${request.name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const meter = new RateMeter();
      let shownPct = 0;
      const onProgress = ({ phase, bytes, total }: UploadProgress): void => {
        if (phase === 'packing') return progress.report({ message: 'packing the folder…' });
        meter.add(bytes, Date.now());
        const pct = phase === 'processing' || !total ? 100 : Math.floor((bytes / total) * 100);
        progress.report({ message: phase === 'processing' ? 'checking and storing…' : progressText(bytes, total, meter.rate), increment: Math.max(pct - shownPct, 0) });
        shownPct = Math.max(pct, shownPct);
      };
      await run(clientUpload(connected(ui).client, onProgress, abort.signal));
    },
  );
}

/** Add Dataset…: the file or folder, a name (validated as typed) and a message, then the upload and what the backend answers. */
export async function addDatasetCommand(ui: DatasetUi, arg: unknown): Promise<void> {
  connected(ui);
  const uri = await source(arg);
  if (!uri) return;
  const isFolder = (await stat(uri.fsPath)).isDirectory();
  const name = await askName(ui, uri.fsPath, isFolder);
  if (!name) return;
  const message = await askMessage();
  if (message === undefined) return;
  const request: AddRequest = { path: uri.fsPath, name, message };
  let outcome: Awaited<ReturnType<typeof addDataset>>;
  await withUploadProgress(ui, request, async (upload) => {
    outcome = await addDataset(request, upload, askDuplicate);
  });
  await report(ui, name, outcome);
}

async function report(ui: DatasetUi, name: string, outcome: Awaited<ReturnType<typeof addDataset>>): Promise<void> {
  if (!outcome) return;
  if (outcome.kind === 'invalid') {
    ui.channel.warn(`Add Dataset ${name}: refused: ${outcome.message}`);
    void vscode.window.showErrorMessage(`ML Workbench: cannot add ${name}: ${outcome.message}`);
    return;
  }
  if (outcome.kind === 'kept') {
    vscode.window.setStatusBarMessage(`ML Workbench: kept ${outcome.existing.ref}; nothing added`, 5000);
    return;
  }
  const { version } = outcome;
  ui.model.upsertVersion(version);
  const show = 'Show Profile';
  const choice = await vscode.window.showInformationMessage(`Added ${version.ref}.`, ...(version.profiled ? [show] : []));
  if (choice === show) await vscode.commands.executeCommand(DATASET_COMMANDS.showProfile, version.ref);
}
