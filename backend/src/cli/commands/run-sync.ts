import type { ApiClient } from '../../client/index.js';
import { syncWorkspace, type SyncProgress } from '../../client/workspace-sync.js';

const MIB = 1024 * 1024;

/** One status line on stderr, rewritten in place on a terminal, at most a few times a second. */
function progressLine(): { report(p: SyncProgress): void; end(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    report(p) {
      const now = Date.now();
      if (!tty || now - last < 200) return;
      last = now;
      shown = true;
      process.stderr.write(`\r[mlwb] ${p.phase} ${p.doneFiles}/${p.totalFiles} files, ${(p.doneBytes / MIB).toFixed(1)}/${(p.totalBytes / MIB).toFixed(1)} MiB\x1b[K`);
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** What `mlwb run` sends the job after syncing: the synced folder and the working directory inside it. */
export interface SyncedRun {
  workspaceRoot: string;
  cwd: string;
}

/**
 * `mlwb run` without `--no-sync`: syncs the current directory into the environment and runs the job
 * there; `--cwd` relative to the synced folder, or absolute as given.
 */
export async function syncForRun(client: ApiClient, envId: string, cwd: string | undefined, quiet: boolean): Promise<SyncedRun> {
  const line = progressLine();
  try {
    const result = await syncWorkspace(client, envId, process.cwd(), quiet ? {} : { onProgress: (p) => line.report(p) });
    line.end();
    if (!quiet) {
      process.stderr.write(`[mlwb] synced ${result.files} files to ${result.root}: ${result.uploaded} sent (${(result.bytes / MIB).toFixed(1)} MiB), ${result.written} written, ${result.removed} removed\n`);
    }
    const inside = cwd === undefined ? result.root : /^([/\\]|[A-Za-z]:)/.test(cwd) ? cwd : `${result.root}/${cwd}`;
    return { workspaceRoot: result.root, cwd: inside };
  } finally {
    line.end();
  }
}
