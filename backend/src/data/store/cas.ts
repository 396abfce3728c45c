/**
 * The content-addressed object store, laid out as DVC 3's cache so DVC can use it as a cache or a
 * local remote: `<root>/files/md5/<2 hex>/<30 hex>` for files and `…/<30 hex>.dir` for directory
 * manifests (iterative/dvc dvc/cachemgr.py at 9f901e5: `files` + `md5` prefix; dvc-data
 * `LocalHashFileDB.oid_to_path` splits the id after 2 characters; objects are 0444 as its
 * `CACHE_MODE`). Uploads are written to `<root>/tmp/`, outside `files/` so DVC never sees them, on
 * the same filesystem so the final rename is atomic.
 *
 * Crash safety: content is hashed while it streams into a temp file, the file is fsynced and made
 * read-only, then renamed to its id and the directory fsynced. A crash at any point leaves either
 * no object or a complete one, plus at worst a temp file that `cleanTemp()` removes at start-up.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { CorruptObjectError, Md5MismatchError, ObjectNotFoundError } from './errors.js';
import { throttleProgress } from './hashing.js';
import type { ByteProgress } from './hashing.js';
import { contentMd5, DIR_SUFFIX, isObjectId, MD5 } from './ids.js';
import { buildManifest, parseManifest } from './manifest.js';
import type { Manifest, ManifestEntry } from './manifest.js';
import { collectGarbage, removeTemp, verifyObjects } from './maintenance.js';
import type { GcOptions, GcReport, VerifyOptions, VerifyReport } from './maintenance.js';

export const OBJECT_MODE = 0o444;
const TEMP_SUFFIX = '.tmp';

/** A Readable, an async generator, or an array of buffers. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface PutOptions {
  onProgress?: ByteProgress;
  /** Refuse the content (and store nothing) unless it hashes to this md5, e.g. one a client announced. */
  expectedMd5?: string;
  signal?: AbortSignal;
}

export interface PutResult {
  md5: string;
  size: number;
  /** False when an object with this id was already stored (deduplicated). */
  created: boolean;
}

export interface StoredObject {
  id: string;
  path: string;
  size: number;
  mtimeMs: number;
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** fsync a directory so a rename or a new entry in it survives a power cut; Windows cannot open directories, and NTFS journals renames. */
async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export class ContentStore {
  readonly objectsDir: string;
  readonly tempDir: string;

  private constructor(readonly root: string) {
    this.objectsDir = join(root, 'files', 'md5');
    this.tempDir = join(root, 'tmp');
  }

  /** Opens (creating if needed) the store at `root`. */
  static async open(root: string): Promise<ContentStore> {
    const store = new ContentStore(root);
    await mkdir(store.objectsDir, { recursive: true });
    await mkdir(store.tempDir, { recursive: true });
    return store;
  }

  /** Where the object lives; throws for anything that is not an object id, so no id can name another path. */
  pathOf(id: string): string {
    if (!isObjectId(id)) throw new ObjectNotFoundError(id);
    return join(this.objectsDir, id.slice(0, 2), id.slice(2));
  }

  async has(id: string): Promise<boolean> {
    if (!isObjectId(id)) return false;
    try {
      return (await stat(this.pathOf(id))).isFile();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** Streams `source` into the store; see the file comment for the order of writes. */
  put(source: ByteSource, options: PutOptions = {}): Promise<PutResult> {
    return this.ingest(source, options, '');
  }

  /**
   * Moves a complete, fsynced file whose md5 the caller has just computed (an upload the backend
   * holds) into the store without copying it: renamed into `tmp/`, made read-only, then published
   * like a put. The file must be on the store's filesystem and nobody else may write to it; across
   * filesystems it is copied through `put`, which checks the md5 again.
   */
  async adopt(path: string, md5: string): Promise<PutResult> {
    if (!MD5.test(md5)) throw new Md5MismatchError(md5, '(not an md5)');
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}${TEMP_SUFFIX}`);
    try {
      await rename(path, temp);
    } catch (err) {
      if (errnoCode(err) !== 'EXDEV') throw err;
      return this.put(createReadStream(path), { expectedMd5: md5 });
    }
    try {
      const { size } = await stat(temp);
      await chmod(temp, OBJECT_MODE);
      return { md5, size, created: await this.publish(temp, md5) };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private async ingest(source: ByteSource, options: PutOptions, idSuffix: string): Promise<PutResult> {
    if (options.expectedMd5 !== undefined && !MD5.test(options.expectedMd5)) throw new Md5MismatchError(options.expectedMd5, '(not an md5)');
    const temp = join(this.tempDir, `${process.pid}-${randomUUID()}${TEMP_SUFFIX}`);
    const fh = await open(temp, 'wx', 0o600);
    let written: { md5: string; size: number };
    try {
      written = await this.fill(fh, source, options);
      await fh.sync();
      await fh.close();
      if (options.expectedMd5 !== undefined && written.md5 !== options.expectedMd5) throw new Md5MismatchError(options.expectedMd5, written.md5);
      await chmod(temp, OBJECT_MODE);
      const created = await this.publish(temp, written.md5 + idSuffix);
      return { ...written, created };
    } catch (err) {
      await fh.close().catch(() => undefined); // already closed on the late failures
      await rm(temp, { force: true });
      throw err;
    }
  }

  private async fill(fh: FileHandle, source: ByteSource, options: PutOptions): Promise<{ md5: string; size: number }> {
    const hash = createHash('md5');
    const progress = throttleProgress(options.onProgress);
    let size = 0;
    for await (const chunk of source) {
      options.signal?.throwIfAborted();
      hash.update(chunk);
      await writeAll(fh, chunk);
      size += chunk.length;
      progress.add(chunk.length);
    }
    options.signal?.throwIfAborted();
    progress.done();
    return { md5: hash.digest('hex'), size };
  }

  /** Renames a complete, synced temp file to its id; returns false (and drops the temp) when the object was already there. */
  private async publish(temp: string, id: string): Promise<boolean> {
    const target = this.pathOf(id);
    const createdDir = await mkdir(dirname(target), { recursive: true });
    if (await this.has(id)) {
      await rm(temp, { force: true });
      return false;
    }
    try {
      await rename(temp, target);
    } catch (err) {
      // Windows refuses to rename onto an existing file: a concurrent put of the same content won.
      if (!['EEXIST', 'EPERM', 'EACCES'].includes(errnoCode(err) ?? '') || !(await this.has(id))) throw err;
      await rm(temp, { force: true });
      return false;
    }
    await syncDirectory(dirname(target));
    if (createdDir) await syncDirectory(this.objectsDir);
    return true;
  }

  /**
   * A read stream of the object that hashes what it passes on and, if the content does not match
   * the id, ends with `CorruptObjectError` instead of 'end'. Bytes already passed on before the
   * end must then be discarded: consume it with `pipeline` into a temp file or abort the response.
   */
  async open(id: string): Promise<Readable> {
    let fh: FileHandle;
    try {
      fh = await open(this.pathOf(id), 'r');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw new ObjectNotFoundError(id);
      throw err;
    }
    const expected = contentMd5(id);
    const hash = createHash('md5');
    const verifier = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const actual = hash.digest('hex');
        callback(actual === expected ? null : new CorruptObjectError(id, actual));
      },
    });
    // pipeline destroys the verifier with any read error, so consumers see it there.
    pipeline(fh.createReadStream({ highWaterMark: 1024 * 1024 }), verifier, () => undefined);
    return verifier;
  }

  /** Stores a directory manifest built from `entries` (checked as `buildManifest` does) under `<md5>.dir`. */
  async putManifest(entries: readonly ManifestEntry[]): Promise<Manifest & { created: boolean }> {
    const manifest = buildManifest(entries);
    const { created } = await this.ingest([manifest.bytes], {}, DIR_SUFFIX);
    return { ...manifest, created };
  }

  /** Reads and parses a verified `.dir` manifest. */
  async readManifest(id: string): Promise<ManifestEntry[]> {
    if (!id.endsWith(DIR_SUFFIX)) throw new ObjectNotFoundError(id);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(id)) chunks.push(chunk as Buffer);
    return parseManifest(Buffer.concat(chunks));
  }

  /** Every object in the store (entries of `files/md5` that are not object ids are skipped). */
  async *objects(): AsyncGenerator<StoredObject> {
    for (const shard of (await readdir(this.objectsDir)).sort()) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of (await readdir(join(this.objectsDir, shard))).sort()) {
        const id = shard + name;
        if (!isObjectId(id)) continue;
        const path = join(this.objectsDir, shard, name);
        const info = await stat(path).catch(() => undefined); // removed meanwhile
        if (info?.isFile()) yield { id, path, size: info.size, mtimeMs: info.mtimeMs };
      }
    }
  }

  /** Re-hashes every object; reports corrupt ones and those of `expected` that are missing. */
  verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyObjects(this, options);
  }

  /** Deletes objects not in `referenced` (nor listed by a referenced manifest) and stale temp files. */
  gc(referenced: Iterable<string>, options: GcOptions = {}): Promise<GcReport> {
    return collectGarbage(this, referenced, options);
  }

  /** Start-up: removes every temp file (an upload cut short by a crash). Only while no put is running. */
  cleanTemp(): Promise<string[]> {
    return removeTemp(this, Number.POSITIVE_INFINITY);
  }

  /** Removes a read-only object (Windows refuses to unlink read-only files). */
  async remove(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (err) {
      if (!['EPERM', 'EACCES'].includes(errnoCode(err) ?? '')) throw err;
      await chmod(path, 0o644);
      await unlink(path);
    }
  }
}
