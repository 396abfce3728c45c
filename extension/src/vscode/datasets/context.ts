import type * as vscode from 'vscode';
import type { ApiClient } from '../../../../backend/src/client/index.js';
import type { BackendLink, LinkedBackend } from '../../backend/link.js';
import type { DatasetsModel } from '../../datasets/model.js';

/** What the dataset commands share. */
export interface DatasetUi {
  link: BackendLink;
  /** The connected backend's client (`ApiClient`: uploads and downloads need its URL, token and CA). */
  client: () => ApiClient | undefined;
  model: DatasetsModel;
  channel: vscode.LogOutputChannel;
  /** The extension's folder: the webviews load from its `dist/webviews`. */
  extensionUri: vscode.Uri;
}

/** The connected backend, or an error the command registration shows. */
export function connected(ui: DatasetUi): LinkedBackend & { client: ApiClient } {
  const backend = ui.link.current;
  const client = ui.client();
  if (!backend || !client) throw new Error('the backend is not connected (see "ML Workbench: Show Connection Details")');
  return { ...backend, client };
}
