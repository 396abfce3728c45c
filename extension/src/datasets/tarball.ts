import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';

/** Regular files under `root`, depth first, sorted; symlinks and other special files are left out (the backend refuses them in an archive). */
async function filesUnder(root: string, dir = root): Promise<{ path: string; size: number; mode: number }[]> {
  const found: { path: string; size: number; mode: number }[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(root, full)));
    else if (entry.isFile()) {
      const info = await lstat(full);
      found.push({ path: full, size: info.size, mode: info.mode & 0o777 });
    }
  }
  return found;
}

/**
 * Packs folder `dir` into a tar file in a new temporary folder (the upload needs the archive's size
 * before the first byte, which only a finished archive tells). Entries are '/'-separated paths
 * relative to the folder. Returns the archive's path and a function that removes it.
 */
export async function packFolder(dir: string, onFile?: (bytes: number) => void): Promise<{ path: string; dispose: () => Promise<void> }> {
  const temp = await mkdtemp(join(tmpdir(), 'mlwb-add-'));
  const dispose = (): Promise<void> => rm(temp, { recursive: true, force: true });
  try {
    const path = join(temp, 'folder.tar');
    const archive = pack();
    const written = pipeline(archive, createWriteStream(path));
    for (const file of await filesUnder(dir)) {
      const name = relative(dir, file.path).split(sep).join('/');
      const entry = archive.entry({ name, size: file.size, mode: file.mode, type: 'file' });
      await pipeline(createReadStream(file.path), entry);
      onFile?.(file.size);
    }
    archive.finalize();
    await written;
    return { path, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
