/**
 * Adding files and folders to the store, and materialising a stored version (file or folder) in a
 * workspace with the `.dvc` file DVC would have written next to it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContentStore } from './cas.js';
import { serialiseDvcFile } from './dvcfile.js';
import { CorruptObjectError, TargetExistsError, UnsafePathError } from './errors.js';
import { md5OfFile } from './hashing.js';
import { contentMd5, isDirId } from './ids.js';
import { isWithin, resolveInside, splitRelativePath } from './paths.js';

export interface FileProgress {
  bytes: number;
  files: number;
}

export interface AddedFile {
  relpath: string;
  md5: string;
  size: number;
}

export interface AddedFolder {
  /** `<md5>.dir` */
  id: string;
  nfiles: number;
  size: number;
  /** Sorted by relpath, as in the manifest. */
  files: AddedFile[];
  /** What was left out, and why (as DVC leaves them out: linked folders, .git/.dvc, special files). */
  skipped: { relpath: string; reason: string }[];
}

/** DVC's ignore filter always leaves these folders out (dvc/ignore.py, DvcIgnoreFilter). */
const ALWAYS_IGNORED = new Set(['.git', '.hg', '.dvc']);

interface Walk {
  store: ContentStore;
  realRoot: string;
  files: AddedFile[];
  skipped: AddedFolder['skipped'];
  progress: FileProgress;
  onProgress?: (progress: FileProgress) => void;
}

async function putFile(walk: Walk, relpath: string, path: string): Promise<void> {
  const before = walk.progress.bytes;
  const { md5, size } = await walk.store.put(createReadStream(path), {
    onProgress: (bytes) => walk.onProgress?.({ bytes: before + bytes, files: walk.progress.files }),
  });
  walk.files.push({ relpath, md5, size });
  walk.progress = { bytes: before + size, files: walk.progress.files + 1 };
  walk.onProgress?.(walk.progress);
}

/** A symlink counts only if it stays inside the folder: a linked file is added with its target's content, a linked folder is skipped (DVC's walk does not follow links to folders). */
async function addLink(walk: Walk, relpath: string, path: string): Promise<void> {
  const real = await realpath(path).catch(() => undefined);
  if (!real) throw new UnsafePathError(relpath, 'is a dangling symlink');
  if (!isWithin(walk.realRoot, real)) throw new UnsafePathError(relpath, 'is a symlink that leads outside the folder');
  if ((await stat(real)).isFile()) await putFile(walk, relpath, real);
  else walk.skipped.push({ relpath, reason: 'symlink to a folder' });
}

async function walkFolder(walk: Walk, segments: string[]): Promise<void> {
  const entries = await readdir(join(walk.realRoot, ...segments), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relpath = [...segments, entry.name].join('/');
    splitRelativePath(relpath); // a name another platform could not check out refuses the whole add
    const path = join(walk.realRoot, ...segments, entry.name);
    if (entry.isDirectory() && ALWAYS_IGNORED.has(entry.name)) walk.skipped.push({ relpath, reason: 'ignored, as DVC ignores it' });
    else if (entry.isDirectory()) await walkFolder(walk, [...segments, entry.name]);
    else if (entry.isFile()) await putFile(walk, relpath, path);
    else if (entry.isSymbolicLink()) await addLink(walk, relpath, path);
    else walk.skipped.push({ relpath, reason: 'not a regular file' });
  }
}

/** Puts every file below `folder` into the store and stores its `.dir` manifest. */
export async function addFolder(store: ContentStore, folder: string, onProgress?: (progress: FileProgress) => void): Promise<AddedFolder> {
  const realRoot = await realpath(folder);
  if (!(await stat(realRoot)).isDirectory()) throw new UnsafePathError(folder, 'is not a folder');
  const walk: Walk = { store, realRoot, files: [], skipped: [], progress: { bytes: 0, files: 0 }, onProgress };
  await walkFolder(walk, []);
  const manifest = await store.putManifest(walk.files.map(({ md5, relpath }) => ({ md5, relpath })));
  const byPath = new Map(walk.files.map((f) => [f.relpath, f]));
  return {
    id: manifest.id,
    nfiles: walk.files.length,
    size: walk.progress.bytes,
    files: manifest.entries.map((e) => byPath.get(e.relpath)!),
    skipped: walk.skipped,
  };
}

/** Puts one file into the store; `isexec` as DVC records it (owner-executable, never on Windows). */
export async function addFile(store: ContentStore, file: string, onProgress?: (bytes: number) => void): Promise<{ id: string; size: number; isexec: boolean }> {
  const info = await stat(file);
  if (!info.isFile()) throw new UnsafePathError(file, 'is not a regular file');
  const { md5, size } = await store.put(createReadStream(file), { onProgress });
  return { id: md5, size, isexec: process.platform !== 'win32' && (info.mode & 0o100) !== 0 };
}

export interface CheckoutOptions {
  /** A file id or a `<md5>.dir` id. */
  id: string;
  /** Folder that receives the data and the `.dvc` file; created if needed. Resolve it inside its root first. */
  into: string;
  /** Name of the file or folder inside `into` (one segment); the `.dvc` file is `<path>.dvc`. */
  path: string;
  /** Replace an existing `<path>` / `<path>.dvc` (the old data is removed only once the new is in place). */
  overwrite?: boolean;
  /** `hardlink` (default) links objects where the filesystem allows, read-only like the store, and copies elsewhere. */
  mode?: 'hardlink' | 'copy';
  isexec?: boolean;
  onProgress?: (progress: FileProgress) => void;
}

export interface CheckoutResult {
  target: string;
  dvcFile: string;
  nfiles: number;
  size: number;
  linked: number;
  copied: number;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

interface Materialise {
  store: ContentStore;
  mode: 'hardlink' | 'copy';
  linked: number;
  copied: number;
  bytes: number;
}

const LINK_UNSUPPORTED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** One object at `dest`: verified before it is linked, verified while it is copied; a corrupt object fails the checkout. */
async function materialise(m: Materialise, id: string, dest: string): Promise<void> {
  const source = m.store.pathOf(id);
  if (m.mode === 'hardlink') {
    const { md5, size } = await md5OfFile(source);
    if (md5 !== contentMd5(id)) throw new CorruptObjectError(id, md5);
    try {
      await link(source, dest);
      m.linked += 1;
      m.bytes += size;
      return;
    } catch (err) {
      if (!LINK_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      m.mode = 'copy'; // this filesystem does not link: don't try again for every file
    }
  }
  await pipeline(await m.store.open(id), createWriteStream(dest, { flags: 'wx' }));
  m.copied += 1;
  m.bytes += (await stat(dest)).size;
}

async function materialiseVersion(m: Materialise, options: CheckoutOptions, staging: string): Promise<number> {
  if (!isDirId(options.id)) {
    await materialise(m, options.id, staging);
    return 1;
  }
  const entries = await m.store.readManifest(options.id);
  await mkdir(staging);
  for (const entry of entries) {
    const dest = await resolveInside(staging, entry.relpath);
    await mkdir(dirname(dest), { recursive: true });
    await materialise(m, entry.md5, dest);
    options.onProgress?.({ bytes: m.bytes, files: m.linked + m.copied });
  }
  return entries.length;
}

/** Moves the staged version to `target`, replacing what was there only once the new one is complete. */
async function swapIn(staging: string, target: string, scratch: string): Promise<void> {
  const old = (await exists(target)) ? scratch : undefined;
  if (old) await rename(target, old);
  try {
    await rename(staging, target);
  } catch (err) {
    if (old) await rename(old, target);
    throw err;
  }
  if (old) await rm(old, { recursive: true, force: true });
}

/**
 * Materialises a stored version as `<into>/<path>` and writes `<into>/<path>.dvc`. The version is
 * built in a hidden sibling folder first, so a failure (or a corrupt object) leaves the workspace
 * as it was.
 */
export async function checkout(store: ContentStore, options: CheckoutOptions): Promise<CheckoutResult> {
  if (splitRelativePath(options.path).length !== 1) throw new UnsafePathError(options.path, 'must be a single name');
  await mkdir(options.into, { recursive: true });
  const into = await realpath(options.into);
  const target = join(into, options.path);
  const dvcFile = `${target}.dvc`;
  if (!options.overwrite && ((await exists(target)) || (await exists(dvcFile)))) throw new TargetExistsError(target);

  const tag = randomUUID();
  const staging = join(into, `.${options.path}.mlwb-checkout-${tag}`);
  // An executable file needs its own mode bits, so it is copied rather than linked.
  const mode = options.isexec && !isDirId(options.id) ? 'copy' : (options.mode ?? 'hardlink');
  const m: Materialise = { store, mode, linked: 0, copied: 0, bytes: 0 };
  try {
    const nfiles = await materialiseVersion(m, options, staging);
    const dir = isDirId(options.id);
    if (!dir && options.isexec) await chmod(staging, 0o755); // a copy (see below), never the store's inode
    const text = serialiseDvcFile({ md5: options.id, size: m.bytes, nfiles: dir ? nfiles : undefined, isexec: !dir && options.isexec, path: options.path });
    const dvcTemp = join(into, `.${options.path}.dvc.mlwb-${tag}`);
    await writeFile(dvcTemp, text, { flag: 'wx' });
    await swapIn(staging, target, join(into, `.${options.path}.mlwb-old-${tag}`));
    await rename(dvcTemp, dvcFile);
    return { target, dvcFile, nfiles, size: m.bytes, linked: m.linked, copied: m.copied };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(join(into, `.${options.path}.dvc.mlwb-${tag}`), { force: true });
  }
}
