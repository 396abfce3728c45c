import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UnsafePathError } from '../../data/store/errors.js';
import { resolveInside } from '../../data/store/paths.js';
import { DriverError, type WorkspaceChange, type WorkspaceFile } from '../driver.js';

/** Every path is resolved inside its root (real paths, symlinks included); a refusal is the request's fault. */
async function inside(root: string, path: string): Promise<string> {
  try {
    return await resolveInside(root, path);
  } catch (err) {
    if (err instanceof UnsafePathError) throw new DriverError(`cannot write the workspace: ${err.message}`, 'user', { cause: err });
    throw err;
  }
}

/** Writes through a temp file beside the target, then renames: a reader never sees half a file, and a symlink in its place is replaced, not followed. */
async function writeOne(root: string, file: WorkspaceFile): Promise<void> {
  const target = await inside(root, file.path);
  await mkdir(dirname(target), { recursive: true });
  if ((await lstat(target).catch(() => undefined))?.isDirectory()) await rm(target, { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.mlwb-sync`);
  try {
    await pipeline(await file.open(), createWriteStream(temp, { flags: 'wx', mode: file.executable ? 0o755 : 0o644 }));
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The local driver's `writeWorkspace`: the folder is `<work>/<name>` in the environment's own directory. */
export async function writeLocalWorkspace(work: string, change: WorkspaceChange): Promise<{ root: string }> {
  await mkdir(work, { recursive: true });
  const root = await inside(work, change.name);
  await mkdir(root, { recursive: true });
  for (const path of change.remove) await rm(await inside(root, path), { recursive: true, force: true });
  for (const file of change.write) await writeOne(root, file);
  return { root };
}
