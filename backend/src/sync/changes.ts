import type { SyncFile } from '../protocol/index.js';

/** What the backend last wrote into one workspace folder: path → content and mode. */
export type AppliedFiles = Record<string, { md5: string; executable: boolean }>;

export interface WorkspacePlan {
  /** Files whose content or mode differ from what the folder holds (or that it lacks). */
  write: SyncFile[];
  unchanged: number;
  /** Paths to remove before writing: files no longer listed (with `delete`) and anything in the way of a new file. */
  remove: string[];
  /** The record once the change is applied. */
  next: AppliedFiles;
}

const parentsOf = (path: string): string[] => {
  const segments = path.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
};

/** Previous files in the way of listed ones: a file where a folder is needed, a folder where a file goes. */
function inTheWay(previous: AppliedFiles, files: readonly SyncFile[]): Set<string> {
  const previousFolders = new Set(Object.keys(previous).flatMap(parentsOf));
  const remove = new Set<string>();
  for (const file of files) {
    for (const parent of parentsOf(file.path)) if (previous[parent]) remove.add(parent);
    if (!previous[file.path] && previousFolders.has(file.path)) remove.add(file.path);
  }
  return remove;
}

const changed = (before: AppliedFiles[string] | undefined, file: SyncFile): boolean =>
  !before || before.md5 !== file.md5 || before.executable !== file.executable;

/**
 * Compares the listed files with what the folder holds. Pure. A new file where a folder was (or a
 * file under what was a file) needs the old one removed first, with or without `delete`; without
 * it, files no longer listed stay and remain in the record, so a later `delete` removes them.
 */
export function planChanges(previous: AppliedFiles, files: readonly SyncFile[], deleteMissing: boolean): WorkspacePlan {
  const remove = inTheWay(previous, files);
  const removed = (path: string): boolean => remove.has(path) || parentsOf(path).some((p) => remove.has(p));
  const listed = new Set(files.map((f) => f.path));
  if (deleteMissing) for (const path of Object.keys(previous)) if (!listed.has(path) && !removed(path)) remove.add(path);

  const next: AppliedFiles = {};
  if (!deleteMissing) for (const [path, entry] of Object.entries(previous)) if (!removed(path)) next[path] = entry;
  const write: SyncFile[] = [];
  for (const file of files) {
    if (removed(file.path) || changed(previous[file.path], file)) write.push(file);
    next[file.path] = { md5: file.md5, executable: file.executable };
  }
  return { write, unchanged: files.length - write.length, remove: [...remove].sort(), next };
}
