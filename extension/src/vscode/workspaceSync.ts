import * as vscode from 'vscode';
import type { ApiClient } from '../../../backend/src/client/index.js';
import { syncWorkspace, type SyncProgress } from '../../../backend/src/client/workspace-sync.js';
import type { Environment } from '../../../backend/src/protocol/index.js';

const MIB = 1024 * 1024;

/** `hashing 12/40 files · 0.3/1.2 MiB`. */
function syncMessage(p: SyncProgress): string {
  if (p.phase === 'scanning') return 'listing files…';
  return `${p.phase} ${p.doneFiles}/${p.totalFiles} files · ${(p.doneBytes / MIB).toFixed(1)}/${(p.totalBytes / MIB).toFixed(1)} MiB`;
}

/**
 * Sends the folder's files to the environment (only what it lacks), with their progress in a
 * cancellable notification; resolves with where the folder is inside the environment. Run File,
 * Debug File, Rerun and notebook kernels all sync through here.
 */
export async function syncFolder(client: ApiClient | undefined, env: Pick<Environment, 'id' | 'name'>, folder: vscode.WorkspaceFolder): Promise<string> {
  if (!client) throw new Error('the backend is not connected (see "ML Workbench: Show Connection Details")');
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ML Workbench: syncing ${folder.name} to ${env.name}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        const result = await syncWorkspace(client, env.id, folder.uri.fsPath, {
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: syncMessage(p) }),
        });
        return result.root;
      } finally {
        cancel.dispose();
      }
    },
  );
}
