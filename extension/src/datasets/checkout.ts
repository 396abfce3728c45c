import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VersionDetail, VersionFile } from '../../../backend/src/protocol/index.js';
import { serialiseDvcFile, type DvcOut } from '../../../backend/src/data/store/dvcfile.js';
import { splitRelativePath } from '../../../backend/src/data/store/paths.js';

/** Where a version goes in the workspace by default, following the seed's raw/processed layout. */
export const RAW_DATA_DIR = ['data', 'raw'] as const;

/** What checking a version out writes: each file where it goes, and the `.dvc` file that tracks them. */
export interface CheckoutPlan {
  /** The folder (a folder version) or the file (a file version) the `.dvc` file tracks. */
  target: string;
  dvcFile: string;
  dvcText: string;
  files: { file: VersionFile; dest: string }[];
}

/**
 * Where version `detail` goes under `root` (the workspace folder):
 * - a folder version `images@v2` → `data/raw/images/…` and `data/raw/images.dvc` (out: `images`, the `.dir` hash);
 * - a file version `iris@v3` of `iris.csv` → `data/raw/iris/iris.csv` and `data/raw/iris/iris.csv.dvc`.
 * Either way the data sits in `data/raw/<name>/` with a `.dvc` file next to what it tracks, as
 * `dvc add` would write it, so DVC reads the workspace and git commits only the `.dvc` files.
 * File paths from the server are checked (`..`, absolute, separators) before anything is joined.
 */
export function checkoutPlan(detail: VersionDetail, root: string): CheckoutPlan {
  const base = join(root, ...RAW_DATA_DIR);
  const files = detail.files.map((file) => ({ file, segments: splitRelativePath(file.path) }));
  if (detail.kind === 'folder') {
    const target = join(base, detail.dataset);
    const out: DvcOut = { md5: detail.contentHash, size: detail.totalSize, nfiles: detail.fileCount, path: detail.dataset };
    return { target, dvcFile: `${target}.dvc`, dvcText: serialiseDvcFile(out), files: files.map(({ file, segments }) => ({ file, dest: join(target, ...segments) })) };
  }
  const only = files[0];
  if (!only || files.length !== 1) throw new Error(`${detail.ref} is a file version with ${files.length} files`);
  const target = join(base, detail.dataset, ...only.segments);
  const out: DvcOut = { md5: only.file.md5, size: only.file.size, path: only.segments.at(-1)! };
  return { target, dvcFile: `${target}.dvc`, dvcText: serialiseDvcFile(out), files: [{ file: only.file, dest: target }] };
}

/** Downloads one file of the version to `dest` (a temporary name), verifying its md5; calls `onBytes` as bytes arrive. */
export type FileDownload = (file: VersionFile, dest: string, onBytes: (bytes: number) => void) => Promise<void>;

/**
 * Writes a plan: each file is downloaded next to its place under a temporary name and renamed over
 * it once complete and verified, so an interrupted checkout never leaves a half-written file under
 * the real name; the `.dvc` file is written last, the same way.
 */
export async function writeCheckout(plan: CheckoutPlan, download: FileDownload, onBytes: (bytes: number) => void = () => {}): Promise<void> {
  for (const { file, dest } of plan.files) {
    await mkdir(dirname(dest), { recursive: true });
    const part = `${dest}.mlwb-part`;
    try {
      await download(file, part, onBytes);
      await rename(part, dest);
    } finally {
      await rm(part, { force: true });
    }
  }
  const part = `${plan.dvcFile}.mlwb-part`;
  await mkdir(dirname(plan.dvcFile), { recursive: true });
  await writeFile(part, plan.dvcText);
  await rename(part, plan.dvcFile);
}
