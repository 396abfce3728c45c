import * as vscode from 'vscode';
import { DATASET_COMMANDS } from '../../datasets/commandIds.js';
import { register } from '../commands.js';
import { addDatasetCommand } from './add.js';
import { checkoutVersion } from './checkout.js';
import { connected, type DatasetUi } from './context.js';
import { targetVersion } from './pick.js';
import { diffWith, showProfile } from './views.js';

async function restore(ui: DatasetUi, arg: unknown): Promise<void> {
  const version = await targetVersion(ui.model, arg, 'Restore as Latest');
  if (!version) return;
  const restored = await connected(ui).api.call('restoreVersion', {
    params: { name: version.dataset, number: version.number },
    body: { message: `restored from ${version.ref}` },
  });
  ui.model.upsertVersion(restored);
  vscode.window.setStatusBarMessage(`ML Workbench: ${restored.ref} holds what ${version.ref} held`, 5000);
}

async function deleteVersion(ui: DatasetUi, arg: unknown): Promise<void> {
  const version = await targetVersion(ui.model, arg, 'Delete Version');
  if (!version) return;
  const remove = 'Delete';
  const answer = await vscode.window.showWarningMessage(
    `Delete ${version.ref}?`,
    { modal: true, detail: 'Its number is never reused. Its content stays in the store while another version holds it, and is removed by the next garbage collection otherwise.' },
    remove,
  );
  if (answer !== remove) return;
  await connected(ui).api.call('deleteVersion', { params: { name: version.dataset, number: version.number } });
  ui.model.removeVersion(version.id);
  vscode.window.setStatusBarMessage(`ML Workbench: deleted ${version.ref}`, 3000);
}

/** The dataset commands; each version command takes a tree row, a `NAME@vN`, or (from the palette) asks which. */
export function registerDatasetCommands(ui: DatasetUi): vscode.Disposable[] {
  const { channel } = ui;
  return [
    register(channel, DATASET_COMMANDS.add, (arg) => addDatasetCommand(ui, arg)),
    register(channel, DATASET_COMMANDS.refresh, () => ui.model.refresh()),
    register(channel, DATASET_COMMANDS.showProfile, (arg) => showProfile(ui, arg)),
    register(channel, DATASET_COMMANDS.diff, (arg) => diffWith(ui, arg)),
    register(channel, DATASET_COMMANDS.checkout, (arg) => checkoutVersion(ui, arg)),
    register(channel, DATASET_COMMANDS.restore, (arg) => restore(ui, arg)),
    register(channel, DATASET_COMMANDS.deleteVersion, (arg) => deleteVersion(ui, arg)),
    register(channel, DATASET_COMMANDS.copyRef, async (arg) => {
      const version = await targetVersion(ui.model, arg, 'Copy Version Id');
      if (!version) return;
      await vscode.env.clipboard.writeText(version.ref);
      vscode.window.setStatusBarMessage(`ML Workbench: copied ${version.ref}`, 3000);
    }),
  ];
}
