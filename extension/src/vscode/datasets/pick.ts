import * as vscode from 'vscode';
import { parseVersionRef, type DatasetVersion } from '../../../../backend/src/protocol/index.js';
import { describeVersion } from '../../datasets/rows.js';
import type { DatasetsModel } from '../../datasets/model.js';

/** The version a command was given: a tree row (`{ id }`), a `NAME@vN` (a row's click, another extension), or undefined. */
export function givenVersion(model: DatasetsModel, arg: unknown): DatasetVersion | undefined {
  if (typeof arg === 'string') {
    const ref = parseVersionRef(arg);
    return ref ? model.versionsOf(ref.name).find((v) => v.number === ref.number) : undefined;
  }
  if (arg && typeof arg === 'object' && 'id' in arg && typeof arg.id === 'string') return model.version(arg.id);
  return undefined;
}

/** Versions as quick-pick rows: `iris@v3` with its size, format, time and message. */
export function versionItems(versions: readonly DatasetVersion[]): (vscode.QuickPickItem & { version: DatasetVersion })[] {
  const now = Date.now();
  return versions.map((version) => ({ label: version.ref, description: describeVersion(version, now), version }));
}

/** The version given to the command, or (from the Command Palette) the one the user picks; undefined when dismissed. */
export async function targetVersion(model: DatasetsModel, arg: unknown, title: string, filter: (v: DatasetVersion) => boolean = () => true): Promise<DatasetVersion | undefined> {
  const given = givenVersion(model, arg);
  if (given) return given;
  const versions = model.items.flatMap((i) => i.versions).filter(filter);
  if (!versions.length) {
    void vscode.window.showInformationMessage(`ML Workbench: no dataset version to ${title.toLowerCase()}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(versionItems(versions), { title, placeHolder: 'Dataset version', matchOnDescription: true });
  return picked?.version;
}
