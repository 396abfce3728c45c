import * as vscode from 'vscode';
import type { DatasetVersion, VersionDetail } from '../../../../backend/src/protocol/index.js';
import { connected, type DatasetUi } from './context.js';
import { openDatasetPanel } from './panels.js';
import { targetVersion, versionItems } from './pick.js';

/** A version without what `getVersion` adds to it (its files and profile). */
function summary(detail: VersionDetail): DatasetVersion {
  const { files: _files, profile: _profile, ...version } = detail;
  return version;
}

/** Show Profile: the version's profile in a webview, fetched by the host when the view is ready. */
export async function showProfile(ui: DatasetUi, arg: unknown): Promise<void> {
  const version = await targetVersion(ui.model, arg, 'Show Profile', (v) => v.profiled);
  if (!version) return;
  openDatasetPanel(ui.extensionUri, ui.channel, `Profile: ${version.ref}`, {
    app: 'dataset-profile',
    loadingTitle: `Loading the profile of ${version.ref}…`,
    errorTitle: `Cannot show the profile of ${version.ref}`,
    load: async () => {
      const detail = await connected(ui).api.call('getVersion', { params: { name: version.dataset, number: version.number } });
      return { version: summary(detail), profile: detail.profile };
    },
  });
}

/** Asks for the key column that matches rows; empty compares whole rows. Undefined when dismissed. */
async function askKey(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Diff: key column (optional)',
    prompt: 'A column that identifies a row (e.g. id), to tell changed rows from added and removed ones. Leave empty to compare whole rows.',
    placeHolder: 'id',
    validateInput: (value) => (value.length > 256 ? 'at most 256 characters' : undefined),
  });
}

/** Diff with…: picks another version of the same dataset (and a key column for tables), then shows the diff, older → newer. */
export async function diffWith(ui: DatasetUi, arg: unknown): Promise<void> {
  const version = await targetVersion(ui.model, arg, 'Diff with…');
  if (!version) return;
  const others = ui.model.versionsOf(version.dataset).filter((v) => v.id !== version.id);
  if (!others.length) {
    void vscode.window.showInformationMessage(`ML Workbench: ${version.dataset} has no other version to compare ${version.ref} with.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(versionItems(others), { title: `Diff ${version.ref} with…`, placeHolder: 'The other version' });
  if (!picked) return;
  const [before, after] = picked.version.number < version.number ? [picked.version, version] : [version, picked.version];
  const tabular = before.profiled && after.profiled;
  const key = tabular ? await askKey() : '';
  if (key === undefined) return;
  openDatasetPanel(ui.extensionUri, ui.channel, `Diff: ${before.ref} → v${after.number}`, {
    app: 'dataset-diff',
    loadingTitle: `Comparing ${before.ref} with ${after.ref}…`,
    errorTitle: `Cannot compare ${before.ref} with ${after.ref}`,
    load: async () => {
      const query = { from: before.number, to: after.number, ...(key.trim() ? { key: key.trim() } : {}) };
      const diff = await connected(ui).api.call('diffVersions', { params: { name: before.dataset }, query });
      return { before, after, diff };
    },
  });
}
