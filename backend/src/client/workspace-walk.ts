/**
 * The files of a workspace folder that sync sends: everything git would consider, i.e. `.gitignore`
 * files at every level are honoured (rules relative to their folder, a deeper file overriding a
 * shallower one, an ignored folder never entered, as git does) and `.git/` is always skipped.
 * Rules are parsed by `ignore` (the gitignore implementation eslint and others use).
 */
import ignore, { type Ignore } from 'ignore';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SYNC_LIMITS, unsafeSyncPath } from '../protocol/index.js';

export interface WorkspaceEntry {
  /** Relative to the folder, '/'-separated. */
  path: string;
  /** Where to read it (a symlink inside the folder is read through). */
  absolute: string;
  size: number;
  executable: boolean;
}

export interface WalkResult {
  files: WorkspaceEntry[];
  /** Entries left out that are not ignored: folder symlinks, dangling links, sockets, fifos. */
  skipped: { path: string; reason: string }[];
}

/** The folder cannot be synced as it is (a link out of it, a path or a size past the limits). */
export class WorkspaceSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceSyncError';
  }
}

export interface WalkLimits {
  files: number;
  fileBytes: number;
  totalBytes: number;
}

interface Level {
  /** The folder's path relative to the root, '' for the root, else ending in '/'. */
  prefix: string;
  rules: Ignore;
}

/** Git's answer for a path: the deepest level with an opinion wins (`!pattern` re-includes). */
export function isIgnored(levels: readonly Level[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { prefix, rules } of levels) {
    if (!path.startsWith(prefix)) continue;
    const result = rules.test(path.slice(prefix.length) + (isDir ? '/' : ''));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function rulesOf(folder: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await readFile(join(folder, '.gitignore'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !/^[a-zA-Z]:/.test(rel) && !rel.startsWith(sep);
};

class Walker {
  readonly files: WorkspaceEntry[] = [];
  readonly skipped: WalkResult['skipped'] = [];
  private totalBytes = 0;

  constructor(
    private readonly root: string,
    private readonly realRoot: string,
    private readonly limits: WalkLimits,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async folder(absolute: string, prefix: string, levels: readonly Level[]): Promise<void> {
    this.signal?.throwIfAborted();
    const rules = await rulesOf(absolute);
    const here = rules ? [...levels, { prefix, rules }] : levels;
    const names = (await readdir(absolute)).sort();
    for (const name of names) {
      if (name === '.git') continue;
      await this.entry(join(absolute, name), prefix + name, here);
    }
  }

  private async entry(absolute: string, path: string, levels: readonly Level[]): Promise<void> {
    const info = await lstat(absolute);
    if (isIgnored(levels, path, info.isDirectory())) return;
    const reason = unsafeSyncPath(path);
    if (reason) throw new WorkspaceSyncError(`cannot sync "${path}": the path ${reason}`);
    if (info.isDirectory()) return this.folder(absolute, `${path}/`, levels);
    if (info.isSymbolicLink()) return this.link(absolute, path);
    if (!info.isFile()) return void this.skipped.push({ path, reason: 'not a regular file' });
    this.add({ path, absolute, size: info.size, executable: (info.mode & 0o111) !== 0 && process.platform !== 'win32' });
  }

  /** A link to a file inside the folder is synced as that file; a link out of the folder stops the sync. */
  private async link(absolute: string, path: string): Promise<void> {
    const target = await realpath(absolute).catch(() => undefined);
    if (!target) return void this.skipped.push({ path, reason: 'dangling symlink' });
    if (!isInside(this.realRoot, target)) throw new WorkspaceSyncError(`cannot sync "${path}": it is a symlink to ${target}, outside ${this.root}`);
    const info = await stat(target);
    if (!info.isFile()) return void this.skipped.push({ path, reason: 'symlink to a folder (its files are synced where they are)' });
    this.add({ path, absolute: target, size: info.size, executable: (info.mode & 0o111) !== 0 && process.platform !== 'win32' });
  }

  private add(entry: WorkspaceEntry): void {
    if (this.files.length >= this.limits.files) throw new WorkspaceSyncError(`${this.root} holds more than ${this.limits.files} files to sync; list the rest in .gitignore`);
    if (entry.size > this.limits.fileBytes) throw new WorkspaceSyncError(`"${entry.path}" is ${entry.size} bytes, over the ${this.limits.fileBytes}-byte limit of one synced file; list it in .gitignore`);
    this.totalBytes += entry.size;
    if (this.totalBytes > this.limits.totalBytes) throw new WorkspaceSyncError(`${this.root} holds more than ${this.limits.totalBytes} bytes to sync; list large files in .gitignore`);
    this.files.push(entry);
  }
}

/** Lists the files sync sends from `root`, in a stable order; throws WorkspaceSyncError when it cannot. */
export async function walkWorkspace(root: string, options: { signal?: AbortSignal; limits?: Partial<WalkLimits> } = {}): Promise<WalkResult> {
  const limits = { files: SYNC_LIMITS.files, fileBytes: SYNC_LIMITS.fileBytes, totalBytes: SYNC_LIMITS.totalBytes, ...options.limits };
  const walker = new Walker(root, await realpath(root), limits, options.signal);
  await walker.folder(root, '', []);
  return { files: walker.files, skipped: walker.skipped };
}
