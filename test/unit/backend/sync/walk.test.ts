import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkWorkspace, WorkspaceSyncError } from '../../../../backend/src/client/workspace-walk.js';

/** A folder with the given files (path → content). */
function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mlwb-walk-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const paths = async (root: string): Promise<string[]> => (await walkWorkspace(root)).files.map((f) => f.path);

describe('walkWorkspace', () => {
  it('honours .gitignore at every level, deeper rules overriding, and skips .git/', async () => {
    const root = folder({
      '.gitignore': '*.log\ndata/\nbuild\n',
      'train.py': 'print(1)',
      'debug.log': 'x',
      'data/big.csv': 'x',
      'build/out.o': 'x',
      'src/.gitignore': '!keep.log\n/local.txt\n',
      'src/keep.log': 'kept',
      'src/other.log': 'x',
      'src/local.txt': 'x',
      'src/deep/local.txt': 'kept: anchored to src/ only',
      '.git/HEAD': 'ref: refs/heads/main',
      '.git/config': 'x',
    });
    expect(await paths(root)).toEqual(['.gitignore', 'src/.gitignore', 'src/deep/local.txt', 'src/keep.log', 'train.py']);
  });

  it('does not re-include a file inside an ignored folder (as git)', async () => {
    const root = folder({ '.gitignore': 'out/\n!out/keep.txt\n', 'out/keep.txt': 'x', 'a.py': '' });
    expect(await paths(root)).toEqual(['.gitignore', 'a.py']);
  });

  it('reports sizes and the executable bit', async () => {
    const root = folder({ 'run.sh': '#!/bin/sh\n', 'a.txt': 'hello' });
    chmodSync(join(root, 'run.sh'), 0o755);
    const { files } = await walkWorkspace(root);
    expect(files.map(({ path, size, executable }) => ({ path, size, executable }))).toEqual([
      { path: 'a.txt', size: 5, executable: false },
      { path: 'run.sh', size: 10, executable: process.platform !== 'win32' },
    ]);
  });

  it.skipIf(process.platform === 'win32')('reads a symlink to a file inside the folder as that file and skips links to folders, dangling links and fifos', async () => {
    const root = folder({ 'real/a.py': 'a' });
    symlinkSync(join(root, 'real/a.py'), join(root, 'link.py'));
    symlinkSync(join(root, 'real'), join(root, 'linkdir'));
    symlinkSync(join(root, 'gone'), join(root, 'dangling'));
    expect(spawnSync('mkfifo', [join(root, 'pipe')]).status).toBe(0);
    const { files, skipped } = await walkWorkspace(root);
    expect(files.map((f) => [f.path, f.absolute])).toEqual([
      ['link.py', join(realpathSync(root), 'real/a.py')],
      ['real/a.py', join(root, 'real/a.py')],
    ]);
    expect(skipped.map((s) => s.path).sort()).toEqual(['dangling', 'linkdir', 'pipe']);
  });

  it.skipIf(process.platform === 'win32')('refuses a symlink that leads out of the folder', async () => {
    const outside = folder({ 'secret.txt': 'x' });
    const root = folder({ 'a.py': '' });
    symlinkSync(join(outside, 'secret.txt'), join(root, 'secret.txt'));
    await expect(walkWorkspace(root)).rejects.toThrow(/"secret.txt": it is a symlink to .*outside/);
  });

  it('refuses a folder past the file count or size limits, and an unsafe file name, with a clear message', async () => {
    const root = folder({ 'a.py': '1', 'b.py': '22', 'c.py': '333' });
    await expect(walkWorkspace(root, { limits: { files: 2 } })).rejects.toThrow(/more than 2 files to sync/);
    await expect(walkWorkspace(root, { limits: { fileBytes: 2 } })).rejects.toThrow(/"c.py" is 3 bytes, over the 2-byte limit/);
    await expect(walkWorkspace(root, { limits: { totalBytes: 5 } })).rejects.toThrow(WorkspaceSyncError);
    if (process.platform !== 'win32') {
      writeFileSync(join(root, 'bad\\name.py'), '');
      await expect(walkWorkspace(root)).rejects.toThrow(/"bad\\name.py": the path contains a backslash/);
    }
  });
});
