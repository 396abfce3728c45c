/**
 * What an add finds out about uploaded content before (or while) it enters the store: the format
 * by content, whether it is well-formed, its md5 and, for a table, its profile.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { DataFormat, Profile, VersionFile } from '../../protocol/index.js';
import { detectFormat } from '../inspect/detect.js';
import { MalformedDataError } from '../inspect/errors.js';
import type { DetectedFormat } from '../inspect/formats.js';
import { profileFile } from '../inspect/profile.js';
import { createValidator, validateFile } from '../inspect/validate.js';
import type { ContentStore } from '../store/cas.js';
import { splitRelativePath } from '../store/paths.js';
import { asInvalidData, InvalidDataError } from './invalid.js';

export interface InspectOptions {
  /** DuckDB threads for profiling; all cores by default. */
  threads?: number;
  /** Bytes hashed so far. */
  onProgress?: (bytes: number) => void;
}

export interface InspectedFile {
  md5: string;
  size: number;
  format: DataFormat;
  profile: Profile | null;
}

/** Text formats DuckDB does not read as a table, and JSON, whose validator is cheap: checked while hashing. */
const VALIDATE_WHILE_HASHING: ReadonlySet<string> = new Set(['text', 'json', 'jsonl']);

async function hashFile(path: string, detected: DetectedFormat, onProgress?: (bytes: number) => void): Promise<{ md5: string; size: number }> {
  const hash = createHash('md5');
  const validator = VALIDATE_WHILE_HASHING.has(detected.format) ? createValidator(detected) : undefined;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    validator?.write(chunk);
    size += chunk.length;
    onProgress?.(size);
  }
  validator?.end();
  return { md5: hash.digest('hex'), size };
}

/**
 * DuckDB profiles CSV/TSV/Parquet/JSON/JSON Lines and Excel (its first worksheet), refusing
 * malformed ones itself (with our scanner's line and byte). JSON that is valid but not a table (a
 * scalar, a nested document) is stored without a profile.
 */
async function profileOf(path: string, detected: DetectedFormat, threads?: number): Promise<Profile | null> {
  if (!detected.tabular) return null;
  try {
    return await profileFile(path, detected, threads === undefined ? {} : { threads });
  } catch (err) {
    const json = detected.format === 'json' || detected.format === 'jsonl';
    if (json && !(err instanceof MalformedDataError)) return null;
    throw err;
  }
}

/**
 * Inspects one uploaded file: format by content (held against `fileName`'s extension), then the
 * md5 and the profile at the same time, so hashing costs no time beside DuckDB's parse.
 */
export async function inspectFile(path: string, fileName: string, options: InspectOptions = {}): Promise<InspectedFile> {
  try {
    const detected = await detectFormat(path, fileName);
    const [hashed, profile] = await Promise.all([hashFile(path, detected, options.onProgress), profileOf(path, detected, options.threads)]);
    return { ...hashed, format: detected.format, profile };
  } catch (err) {
    throw asInvalidData(err);
  }
}

/** One file of a folder, already in the store: its format and well-formedness (no profile). */
async function checkStoredFile(store: ContentStore, file: VersionFile): Promise<void> {
  try {
    const path = store.pathOf(file.md5);
    await validateFile(path, await detectFormat(path, file.path));
  } catch (err) {
    throw asInvalidData(err, file.path);
  }
}

/** An archive entry's path as a version path: `./` prefixes and trailing slashes dropped, then checked like any relative path. */
function entryPath(name: string): string {
  const trimmed = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  try {
    splitRelativePath(trimmed);
  } catch (err) {
    throw asInvalidData(err, name);
  }
  return trimmed;
}

/** A file entry's version path (remembered in `seen`); undefined for a folder entry; anything else is refused. */
function acceptEntry({ name, type }: { name: string; type?: string | null | undefined }, seen: Set<string>): string | undefined {
  if (type === 'directory') {
    if (name.replace(/^(\.\/)+|\/+$/g, '') !== '' && name !== '.') entryPath(name);
    return undefined;
  }
  if (type !== 'file' && type !== 'contiguous-file') {
    const what = type ?? 'special entry';
    throw new InvalidDataError(`archive entry ${JSON.stringify(name)} is a ${what}: only files and folders are accepted`, { problem: `archive entry is a ${what}`, path: name });
  }
  const path = entryPath(name);
  if (seen.has(path)) throw new InvalidDataError(`archive holds ${JSON.stringify(path)} twice`, { problem: 'duplicate archive entry', path });
  seen.add(path);
  return path;
}

export interface IngestedFolder {
  files: VersionFile[];
  /** Objects this ingest created (not there before): what to remove if the add fails. */
  created: string[];
}

/**
 * Streams a tar archive of a folder into the store, file by file (each hashed while it is written),
 * and checks every file's format. Only regular files and folders are accepted: links, devices and
 * paths that climb out, are absolute or not portable are refused with the entry named. `created`
 * is filled as objects land, so a caller can remove them when this throws.
 */
export async function ingestTar(store: ContentStore, tarPath: string, created: string[]): Promise<IngestedFolder> {
  const files: VersionFile[] = [];
  const seen = new Set<string>();
  const archive = extract();
  const reading = pipeline(createReadStream(tarPath), archive).catch((err: Error) => err);
  try {
    for await (const entry of archive) {
      const path = acceptEntry(entry.header, seen);
      if (path === undefined) {
        entry.resume();
        continue;
      }
      const put = await store.put(entry as unknown as AsyncIterable<Uint8Array>);
      if (put.created) created.push(put.md5);
      const file = { path, md5: put.md5, size: put.size };
      await checkStoredFile(store, file);
      files.push(file);
    }
  } catch (err) {
    archive.destroy();
    // The archive's failures (bad header, an entry cut short) are the upload's; a failed system call (disk full) is ours.
    if (err instanceof InvalidDataError || (err as NodeJS.ErrnoException).syscall !== undefined) throw err;
    throw new InvalidDataError(`not a valid tar archive: ${(err as Error).message}`, { problem: `not a valid tar archive: ${(err as Error).message}` });
  }
  const failed = await reading;
  if (failed) throw new InvalidDataError(`not a valid tar archive: ${failed.message}`, { problem: `not a valid tar archive: ${failed.message}` });
  if (files.length === 0) throw new InvalidDataError('the folder holds no files', { problem: 'the folder holds no files' });
  return { files, created };
}

