import type * as path from 'node:path';
import { workspaceNameFor } from '../../../backend/src/client/workspace-name.js';
import { scriptPath } from '../jobs/run.js';
import { envPathModule, type PathMapping } from '../tracebacks/paths.js';

/** Where a notebook is on this machine. */
export interface NotebookLocation {
  /** How the editor names it (workspace-relative, or `Untitled-1.ipynb`): the kernel's path when nothing is synced. */
  label: string;
  /** Its local file, when it is one. */
  file?: string;
  /** The workspace folder holding it, when one does. */
  folder?: string;
}

/**
 * Sends `folder` to the environment (named there by `workspaceNameFor`, as every sync names it);
 * resolves with where it was written, or undefined when it could not be (the caller has said why).
 */
export type SyncFolder = (folder: string) => Promise<string | undefined>;

/**
 * Where a notebook's kernel runs, and how its tracebacks map back. A notebook inside a workspace
 * folder has that folder synced into the environment (`<jupyter root>/<name>`, as Run File does)
 * before its kernel starts or restarts, and the kernel starts in the notebook's folder there: so
 * `import helper` and `pd.read_csv("data/train.csv")` work as they do locally, and frames in the
 * workspace's modules map back to their files. Any other notebook starts at the Jupyter root.
 */
export class NotebookWorkspace {
  /** The notebook's path for Jupyter's sessions API: relative to its root, '/'-separated. */
  readonly kernelPath: string;
  private readonly synced: { folder: string; relative: string } | undefined;
  /** Where the last sync wrote the folder in the environment. */
  private root: string | undefined;

  constructor(
    location: NotebookLocation,
    private readonly syncFolder: SyncFolder,
    local?: path.PlatformPath,
  ) {
    const relative = location.file && location.folder ? scriptPath(location.folder, location.file, local) : undefined;
    this.synced = relative && location.folder ? { folder: location.folder, relative } : undefined;
    this.kernelPath = this.synced ? `${workspaceNameFor(this.synced.folder)}/${relative}` : location.label;
  }

  /** Syncs the notebook's folder (nothing for a notebook outside the workspace). */
  async sync(): Promise<void> {
    if (!this.synced) return;
    const root = await this.syncFolder(this.synced.folder);
    if (root) this.root = root;
  }

  /** How the kernel's paths map to local files; undefined until a sync told where the folder is. */
  get mapping(): PathMapping | undefined {
    if (!this.synced || !this.root) return undefined;
    const env = envPathModule(this.root);
    return { envRoot: this.root, envCwd: env.dirname(env.join(this.root, this.synced.relative)), localRoot: this.synced.folder };
  }
}
