/** Whole-store passes: integrity check, garbage collection and temp-file clean-up. */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore } from './cas.js';
import { CorruptObjectError, GcRefusedError, ObjectNotFoundError } from './errors.js';
import { md5OfFile } from './hashing.js';
import { contentMd5, isDirId, isObjectId } from './ids.js';

export interface VerifyOptions {
  /** Ids that should be present (e.g. every id a version references; a manifest stands for the files it lists too); absent ones are reported as missing. */
  expected?: Iterable<string>;
  /** Bytes hashed so far over the whole pass, and objects finished. */
  onProgress?: (progress: { bytes: number; objects: number }) => void;
}

export interface VerifyReport {
  checked: number;
  bytes: number;
  corrupt: { id: string; actualMd5: string }[];
  missing: string[];
}

export async function verifyObjects(store: ContentStore, options: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, bytes: 0, corrupt: [], missing: [] };
  const present = new Set<string>();
  for await (const object of store.objects()) {
    const before = report.bytes;
    const { md5, size } = await md5OfFile(object.path, (bytes) => options.onProgress?.({ bytes: before + bytes, objects: report.checked }));
    present.add(object.id);
    report.checked += 1;
    report.bytes += size;
    if (md5 !== contentMd5(object.id)) report.corrupt.push({ id: object.id, actualMd5: md5 });
    options.onProgress?.({ bytes: report.bytes, objects: report.checked });
  }
  const expected = await withManifestEntries(store, options.expected ?? [], new Set(report.corrupt.map((c) => c.id)));
  report.missing = [...expected].filter((id) => !present.has(id)).sort();
  return report;
}

/** The expected ids plus the files listed by the expected manifests that can be read (a corrupt one is reported as such). */
async function withManifestEntries(store: ContentStore, expected: Iterable<string>, corrupt: Set<string>): Promise<Set<string>> {
  const all = new Set(expected);
  for (const id of [...all]) {
    if (!isDirId(id) || corrupt.has(id) || !(await store.has(id))) continue;
    for (const entry of await store.readManifest(id)) all.add(entry.md5);
  }
  return all;
}

export interface GcOptions {
  /** Temp files older than this are an upload that died without a restart; younger ones may be in flight. Default 60 minutes. */
  tempOlderThanMs?: number;
  now?: number;
}

export interface GcReport {
  /** Object ids removed. */
  removed: string[];
  /** Temp file names removed. */
  removedTemp: string[];
  bytesFreed: number;
}

const DEFAULT_TEMP_AGE_MS = 60 * 60 * 1000;

/**
 * The ids to keep: the referenced ones plus every file a referenced manifest lists. A referenced
 * manifest that is missing or corrupt stops the collection, since its files could not be told from
 * garbage.
 */
async function keepSet(store: ContentStore, referenced: Iterable<string>): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const id of referenced) {
    if (!isObjectId(id)) throw new ObjectNotFoundError(id);
    keep.add(id);
    if (!isDirId(id)) continue;
    try {
      for (const entry of await store.readManifest(id)) keep.add(entry.md5);
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof CorruptObjectError) {
        throw new GcRefusedError(id, err);
      }
      throw err;
    }
  }
  return keep;
}

/**
 * Removes every object that is not kept, and temp files older than `tempOlderThanMs`. Must not run
 * alongside an add whose version is not recorded yet: its fresh objects are not referenced yet.
 */
export async function collectGarbage(store: ContentStore, referenced: Iterable<string>, options: GcOptions): Promise<GcReport> {
  const keep = await keepSet(store, referenced);
  const report: GcReport = { removed: [], removedTemp: [], bytesFreed: 0 };
  for await (const object of store.objects()) {
    if (keep.has(object.id)) continue;
    await store.remove(object.path);
    report.removed.push(object.id);
    report.bytesFreed += object.size;
  }
  const now = options.now ?? Date.now();
  const { names, bytes } = await removeTempWithSize(store, now - (options.tempOlderThanMs ?? DEFAULT_TEMP_AGE_MS));
  report.removedTemp = names;
  report.bytesFreed += bytes;
  return report;
}

async function removeTempWithSize(store: ContentStore, modifiedBefore: number): Promise<{ names: string[]; bytes: number }> {
  const names: string[] = [];
  let bytes = 0;
  for (const name of (await readdir(store.tempDir)).sort()) {
    const path = join(store.tempDir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info || info.mtimeMs >= modifiedBefore) continue;
    await rm(path, { recursive: true, force: true });
    names.push(name);
    bytes += info.size;
  }
  return { names, bytes };
}

/** Removes temp files last modified before `modifiedBefore` (`Infinity`: all of them). */
export async function removeTemp(store: ContentStore, modifiedBefore: number): Promise<string[]> {
  return (await removeTempWithSize(store, modifiedBefore)).names;
}
