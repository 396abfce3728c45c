/**
 * The contents clients uploaded for workspace sync, content-addressed by md5, one store per user:
 * `<root>/<userId>/files/md5/ab/cdef…`. Per user, because a shared cache would tell anyone whether
 * somebody else holds a file with a given hash (the plan answers which hashes are missing).
 * Writes go through the data store's ContentStore (temp file, hashed while streaming, fsync, rename),
 * so a crash never leaves a partial object under its hash.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ContentStore, type ByteSource } from '../data/store/cas.js';
import { Id } from '../protocol/index.js';

export class BlobCache {
  private readonly stores = new Map<string, Promise<ContentStore>>();

  constructor(private readonly root: string) {}

  /** The user's store, opened once per process; the first open removes temp files a crash left. */
  private store(userId: string): Promise<ContentStore> {
    let store = this.stores.get(userId);
    if (!store) {
      store = ContentStore.open(join(this.root, Id.parse(userId))).then(async (s) => {
        await s.cleanTemp();
        return s;
      });
      store.catch(() => this.stores.delete(userId));
      this.stores.set(userId, store);
    }
    return store;
  }

  /** Users with a cache. */
  async users(): Promise<string[]> {
    return (await readdir(this.root).catch(() => [] as string[])).filter((name) => Id.safeParse(name).success);
  }

  /** Removes the user's contents not in `keep`, and every temp file; only while none of the user's uploads runs. */
  async gc(userId: string, keep: ReadonlySet<string>): Promise<{ removed: number; bytesFreed: number }> {
    const report = await (await this.store(userId)).gc(keep, { tempOlderThanMs: 0 });
    return { removed: report.removed.length, bytesFreed: report.bytesFreed };
  }

  /** The size of a stored content, or undefined when the user's cache lacks it. */
  async sizeOf(userId: string, md5: string): Promise<number | undefined> {
    const store = await this.store(userId);
    try {
      const info = await stat(store.pathOf(md5));
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The md5s (each once, in first-listed order) the user's cache lacks. */
  async missing(userId: string, md5s: readonly string[]): Promise<string[]> {
    const store = await this.store(userId);
    const unique = [...new Set(md5s)];
    const present = await Promise.all(unique.map((md5) => store.has(md5)));
    return unique.filter((_, i) => !present[i]);
  }

  /** Streams content in; throws Md5MismatchError (nothing stored) when it does not hash to `md5`. */
  async put(userId: string, md5: string, source: ByteSource, signal?: AbortSignal) {
    return (await this.store(userId)).put(source, { expectedMd5: md5, ...(signal ? { signal } : {}) });
  }

  /** A read stream that fails instead of ending if the stored content no longer matches its hash. */
  async open(userId: string, md5: string): Promise<Readable> {
    return (await this.store(userId)).open(md5);
  }
}
