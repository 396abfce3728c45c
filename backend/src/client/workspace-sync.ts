/**
 * Workspace sync, client side (the CLI and the extension): list the folder's files as git sees
 * them, hash each (md5, streamed), ask the backend which contents it lacks, upload only those
 * (streamed, a few at a time), then have it write the listing into the environment. Unchanged
 * contents are never sent twice; unchanged files are not rewritten in the environment.
 */
import { createReadStream } from 'node:fs';
import { md5OfFile } from '../data/store/hashing.js';
import type { SyncFileInput } from '../protocol/index.js';
import { blobUploader } from './blob-upload.js';
import { ApiError } from './errors.js';
import type { ApiClient } from './http.js';
import { workspaceNameFor } from './workspace-name.js';
import { walkWorkspace, WorkspaceSyncError, type WalkLimits, type WorkspaceEntry } from './workspace-walk.js';

export { WorkspaceSyncError } from './workspace-walk.js';

const PARALLEL = 4;
const PROGRESS_INTERVAL_MS = 100;

export interface SyncProgress {
  phase: 'scanning' | 'hashing' | 'uploading' | 'applying';
  /** Files and bytes done and in all, within the phase (uploading counts only what is sent). */
  doneFiles: number;
  totalFiles: number;
  doneBytes: number;
  totalBytes: number;
}

export interface SyncOptions {
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  /** The folder's name in the environment; defaults to the local folder's name made safe. */
  name?: string;
  /** Remove files an earlier sync wrote that are gone here (default true). */
  delete?: boolean;
  limits?: Partial<WalkLimits>;
}

export interface SyncResult {
  /** The workspace's absolute path inside the environment. */
  root: string;
  /** Contents sent (each distinct content once). */
  uploaded: number;
  /** Files the environment already held as they are. */
  unchanged: number;
  written: number;
  removed: number;
  /** Bytes sent. */
  bytes: number;
  files: number;
  skipped: { path: string; reason: string }[];
}

/** Runs `task` over `items`, `PARALLEL` at a time, in order of start. */
async function eachParallel<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

async function hashAll(entries: readonly WorkspaceEntry[], report: (files: number, bytes: number) => void, signal?: AbortSignal): Promise<SyncFileInput[]> {
  const listed: SyncFileInput[] = new Array<SyncFileInput>(entries.length);
  let files = 0;
  let bytes = 0;
  await eachParallel([...entries.keys()], async (i) => {
    signal?.throwIfAborted();
    const entry = entries[i]!;
    const { md5, size } = await md5OfFile(entry.absolute);
    listed[i] = { path: entry.path, md5, size, executable: entry.executable };
    report(++files, (bytes += size));
  });
  return listed;
}

/**
 * Progress at most every 100 ms within a phase (a folder of 50 000 small files must not flood a
 * notification), but always a phase's first and last report.
 */
function throttled(onProgress: SyncOptions['onProgress']) {
  let last: { phase: string; at: number } | undefined;
  return (phase: SyncProgress['phase'], doneFiles: number, totalFiles: number, doneBytes: number, totalBytes: number): void => {
    const now = Date.now();
    const edge = last?.phase !== phase || doneFiles === totalFiles;
    if (!onProgress || (!edge && now - last!.at < PROGRESS_INTERVAL_MS)) return;
    last = { phase, at: now };
    onProgress({ phase, doneFiles, totalFiles, doneBytes, totalBytes });
  };
}

/** Syncs `folder` into the environment; see the file comment. Throws WorkspaceSyncError or ApiError. */
export async function syncWorkspace(client: ApiClient, envId: string, folder: string, options: SyncOptions = {}): Promise<SyncResult> {
  const { onProgress, signal } = options;
  const progress = throttled(onProgress);

  progress('scanning', 0, 0, 0, 0);
  const { files: entries, skipped } = await walkWorkspace(folder, { ...(signal ? { signal } : {}), ...(options.limits ? { limits: options.limits } : {}) });
  const totalBytes = entries.reduce((sum, e) => sum + e.size, 0);
  const listed = await hashAll(entries, (files, bytes) => progress('hashing', files, entries.length, bytes, totalBytes), signal);

  const { missing } = await client.call('syncPlan', { params: { id: envId }, body: { files: listed } });
  const firstWith = new Map<string, number>();
  listed.forEach((f, i) => firstWith.has(f.md5) || firstWith.set(f.md5, i));
  const sources = new Map(missing.map((md5) => [md5, firstWith.get(md5)!]));
  const uploadBytes = [...sources.values()].reduce((sum, i) => sum + listed[i]!.size, 0);
  let sentFiles = 0;
  let sentBytes = 0;
  progress('uploading', 0, sources.size, 0, uploadBytes);
  const uploader = blobUploader(client);
  try {
    await eachParallel([...sources], async ([md5, i]) => {
      signal?.throwIfAborted();
      const file = listed[i]!;
      const body = createReadStream(entries[i]!.absolute);
      try {
        await uploader.upload(md5, body, file.size, signal);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'hash_mismatch') throw new WorkspaceSyncError(`"${file.path}" changed while it was being synced; sync again`);
        throw err;
      } finally {
        body.destroy();
      }
      progress('uploading', ++sentFiles, sources.size, (sentBytes += file.size), uploadBytes);
    });
  } finally {
    await uploader.close();
  }

  progress('applying', 0, listed.length, 0, totalBytes);
  const name = options.name ?? workspaceNameFor(folder);
  const applied = await client.call('syncApply', { params: { id: envId }, body: { name, files: listed, delete: options.delete ?? true } });
  progress('applying', listed.length, listed.length, totalBytes, totalBytes);
  return { ...applied, uploaded: sources.size, bytes: sentBytes, files: listed.length, skipped };
}
