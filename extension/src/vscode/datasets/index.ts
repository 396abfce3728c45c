import type * as vscode from 'vscode';
import type { ConnectionController } from '../../backend/controller.js';
import { BackendLink } from '../../backend/link.js';
import { DATASET_COMMANDS } from '../../datasets/commandIds.js';
import { DatasetsModel } from '../../datasets/model.js';
import { datasetRows, versionRows } from '../../datasets/rows.js';
import type { ResourceList } from '../../views/resourceList.js';
import { registerDatasetCommands } from './commands.js';

/** Relative times in the rows ("5 minutes ago") are redrawn this often. */
const RELATIVE_TIME_REFRESH_MS = 60_000;

export interface DatasetsDeps {
  controller: ConnectionController;
  channel: vscode.LogOutputChannel;
  /** The Datasets view's rows. */
  list: ResourceList;
  extensionUri: vscode.Uri;
}

/** The Datasets feature: the model, the view's rows (datasets, versions under them), the commands and the webviews they open. */
export function registerDatasets({ controller, channel, list, extensionUri }: DatasetsDeps): { model: DatasetsModel; disposables: vscode.Disposable[] } {
  const link = new BackendLink(controller);
  const model = new DatasetsModel(link);
  const render = (): void => {
    const now = Date.now();
    list.replace(datasetRows(model.status, model.items, { refresh: DATASET_COMMANDS.refresh }, now));
  };
  list.setChildren((item) => versionRows(item, model.items, DATASET_COMMANDS.showProfile, Date.now()));
  render();
  const offModel = model.onDidChange(render);
  const timer = setInterval(render, RELATIVE_TIME_REFRESH_MS);
  const ui = { link, client: () => controller.client, model, channel, extensionUri };
  return {
    model,
    disposables: [
      ...registerDatasetCommands(ui),
      { dispose: () => clearInterval(timer) },
      { dispose: offModel },
      { dispose: () => list.setChildren(undefined) },
      model,
      link,
    ],
  };
}
