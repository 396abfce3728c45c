import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotebookWorkspace, type SyncFolder } from '../../../../extension/src/notebooks/notebookWorkspace.js';

const FOLDER = path.join(path.sep, 'home', 'ana', 'My Project');
const NOTEBOOK = path.join(FOLDER, 'notebooks', 'explore.ipynb');

/** A sync that records what it was asked and answers where a driver would have written the folder. */
function recordingSync(root: string | undefined): { sync: SyncFolder; asked: string[] } {
  const asked: string[] = [];
  return { asked, sync: async (folder) => (asked.push(folder), root) };
}

describe("a notebook's workspace", () => {
  it('starts the kernel in the notebook’s folder of the synced workspace, and maps paths there once synced', async () => {
    const { sync, asked } = recordingSync('/home/mlwb/work/my-project');
    const workspace = new NotebookWorkspace({ label: 'notebooks/explore.ipynb', file: NOTEBOOK, folder: FOLDER }, sync);
    expect(workspace.kernelPath).toBe('my-project/notebooks/explore.ipynb');
    expect(workspace.mapping).toBeUndefined();
    await workspace.sync();
    expect(asked).toEqual([FOLDER]);
    expect(workspace.mapping).toEqual({ envRoot: '/home/mlwb/work/my-project', envCwd: '/home/mlwb/work/my-project/notebooks', localRoot: FOLDER });
  });

  it('keeps the last known place when a later sync fails', async () => {
    let root: string | undefined = '/home/mlwb/work/my-project';
    const workspace = new NotebookWorkspace({ label: 'notebooks/explore.ipynb', file: NOTEBOOK, folder: FOLDER }, async () => root);
    await workspace.sync();
    root = undefined;
    await workspace.sync();
    expect(workspace.mapping?.envRoot).toBe('/home/mlwb/work/my-project');
  });

  it('maps on a Windows host too (the local driver there writes C:\\… paths)', async () => {
    const folder = 'C:\\Users\\ana\\proj';
    const workspace = new NotebookWorkspace({ label: 'nb\\a.ipynb', file: 'C:\\Users\\ana\\proj\\nb\\a.ipynb', folder }, async () => 'C:\\mlwb\\envs\\e1\\work\\proj', path.win32);
    // the folder's name is the host's to make (as the sync names it); the path inside is '/'-separated
    expect(workspace.kernelPath).toMatch(/^[a-z0-9-]+\/nb\/a\.ipynb$/);
    await workspace.sync();
    expect(workspace.mapping?.envCwd).toBe('C:\\mlwb\\envs\\e1\\work\\proj\\nb');
  });

  it('syncs nothing for a notebook outside a workspace folder, which starts at the Jupyter root', async () => {
    const { sync, asked } = recordingSync('/home/mlwb/work/x');
    for (const location of [{ label: 'Untitled-1.ipynb' }, { label: '/tmp/scratch.ipynb', file: '/tmp/scratch.ipynb' }, { label: '/tmp/a.ipynb', file: '/tmp/a.ipynb', folder: FOLDER }]) {
      const workspace = new NotebookWorkspace(location, sync);
      await workspace.sync();
      expect(workspace.kernelPath).toBe(location.label);
      expect(workspace.mapping).toBeUndefined();
    }
    expect(asked).toEqual([]);
  });
});
