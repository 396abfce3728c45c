import type { FileEntry, FolderDiff } from '../../protocol/data-diff.js';

/** Files added, removed and modified (by md5) between two versions of a folder, each list sorted by path. */
export function diffFolders(before: readonly FileEntry[], after: readonly FileEntry[]): FolderDiff {
  const old = new Map(before.map((f) => [f.relpath, f]));
  const now = new Map(after.map((f) => [f.relpath, f]));
  const byPath = (a: { relpath: string }, b: { relpath: string }): number => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0);
  const modified: FolderDiff['modified'] = [];
  let unchanged = 0;
  for (const f of after) {
    const was = old.get(f.relpath);
    if (!was) continue;
    if (was.md5 === f.md5) unchanged++;
    else modified.push({ relpath: f.relpath, before: { md5: was.md5, size: was.size }, after: { md5: f.md5, size: f.size } });
  }
  return {
    added: after.filter((f) => !old.has(f.relpath)).sort(byPath),
    removed: before.filter((f) => !now.has(f.relpath)).sort(byPath),
    modified: modified.sort(byPath),
    unchanged,
  };
}
