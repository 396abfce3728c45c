import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { HttpError } from '../api/errors.js';
import { Md5MismatchError } from '../data/store/errors.js';
import type { EnvironmentService } from '../environments/service.js';
import { KeyedSerial } from '../environments/serial.js';
import { SYNC_LIMITS, type SyncApplied, type SyncFile, type SyncPlan, type User } from '../protocol/index.js';
import { DriverError, type WorkspaceFile } from '../runtime/driver.js';
import type { Store } from '../store/index.js';
import { AppliedRecords } from './applied.js';
import { BlobCache } from './blob-cache.js';
import { planChanges } from './changes.js';

/** Counts bytes as they pass and stops the upload once it exceeds the per-file limit. */
async function* bounded(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > limit) throw new HttpError('payload_too_large', `a synced file may hold at most ${limit} bytes`);
    yield chunk;
  }
}

/**
 * Workspace sync: which contents the backend lacks (plan), storing uploaded contents (blobs), and
 * writing a listed workspace into an environment (apply), sending only what changed since the last
 * apply of the same folder. See CONTRIBUTING.md, "Workspace sync: decisions".
 */
export class SyncService {
  private readonly blobs: BlobCache;
  private readonly applied: AppliedRecords;
  /** Applies to one folder of one environment never interleave (their records would race). */
  private readonly serial = new KeyedSerial();

  constructor(
    root: string,
    private readonly environments: EnvironmentService,
  ) {
    this.blobs = new BlobCache(join(root, 'cache'));
    this.applied = new AppliedRecords(join(root, 'applied'));
  }

  /**
   * Housekeeping at start, before any request: drops the records of environments deleted since,
   * then each user's cached contents that no workspace of theirs holds (a later sync uploads
   * what it needs again).
   */
  async collectGarbage(envIdsOf: (userId: string) => string[], exists: (envId: string) => boolean): Promise<{ bytesFreed: number }> {
    await this.applied.prune(exists);
    let bytesFreed = 0;
    for (const userId of await this.blobs.users()) {
      bytesFreed += (await this.blobs.gc(userId, await this.applied.referenced(envIdsOf(userId)))).bytesFreed;
    }
    return { bytesFreed };
  }

  async plan(user: User, envId: string, files: readonly SyncFile[]): Promise<SyncPlan> {
    this.environments.own(user, envId);
    return { missing: await this.blobs.missing(user.id, files.map((f) => f.md5)) };
  }

  async putBlob(user: User, md5: string, body: Readable | undefined, declaredLength: number | undefined) {
    if (declaredLength !== undefined && declaredLength > SYNC_LIMITS.fileBytes) {
      throw new HttpError('payload_too_large', `a synced file may hold at most ${SYNC_LIMITS.fileBytes} bytes`);
    }
    try {
      return await this.blobs.put(user.id, md5, body ? bounded(body, SYNC_LIMITS.fileBytes) : []);
    } catch (err) {
      if (err instanceof Md5MismatchError) {
        throw new HttpError('hash_mismatch', `the content hashes to ${err.actual}, not to ${md5} it was sent under; nothing was stored`, [
          { path: 'path.hash', message: `content hashes to ${err.actual}` },
        ]);
      }
      throw err;
    }
  }

  async apply(user: User, envId: string, body: { name: string; files: SyncFile[]; delete: boolean }): Promise<SyncApplied> {
    const record = this.environments.own(user, envId);
    if (record.env.state !== 'running') throw new HttpError('conflict', `the environment is ${record.env.state}, not running`);
    const driver = this.environments.driver;
    const write = driver.writeWorkspace.bind(driver);

    return this.serial.run(`${envId}/${body.name}`, async () => {
      const plan = planChanges(await this.applied.read(envId, body.name), body.files, body.delete);
      const files = await this.contents(user, plan.write, body.files);
      const { root } = await engine(() => write(envId, { name: body.name, remove: plan.remove, write: files }));
      await this.applied.write(envId, body.name, plan.next);
      return { root, written: plan.write.length, unchanged: plan.unchanged, removed: plan.remove.length };
    });
  }

  /** The files to write, with their stored sizes; refuses when a content was never uploaded or differs in size. */
  private async contents(user: User, toWrite: readonly SyncFile[], listed: readonly SyncFile[]): Promise<WorkspaceFile[]> {
    const sizes = await Promise.all(toWrite.map((f) => this.blobs.sizeOf(user.id, f.md5)));
    const missing = toWrite.filter((_, i) => sizes[i] === undefined);
    if (missing.length) {
      const shown = missing.slice(0, 10).map((f) => f.path).join(', ');
      throw new HttpError('conflict', `upload the contents of ${missing.length} file(s) first (see syncPlan): ${shown}`, [], {
        missing: [...new Set(missing.map((f) => f.md5))],
      });
    }
    const wrongSize = toWrite.findIndex((f, i) => sizes[i] !== f.size);
    if (wrongSize >= 0) {
      const file = toWrite[wrongSize]!;
      const index = listed.indexOf(file);
      throw new HttpError('unprocessable', `size of "${file.path}" is ${file.size}, but its content holds ${sizes[wrongSize]} bytes`, [
        { path: `body.files.${index}.size`, message: `the content with this md5 holds ${sizes[wrongSize]} bytes` },
      ]);
    }
    return toWrite.map((f, i) => ({ path: f.path, size: sizes[i]!, executable: f.executable, open: () => this.blobs.open(user.id, f.md5) }));
  }
}

/** The service, after its start-up garbage collection (see `collectGarbage`). */
export async function startSync(root: string, environments: EnvironmentService, store: Store): Promise<SyncService> {
  const sync = new SyncService(root, environments);
  await sync.collectGarbage(
    (userId) => store.environments.list({ ownerId: userId }).map((r) => r.env.id),
    (envId) => store.environments.get(envId) !== undefined,
  );
  return sync;
}

/** An engine failure becomes a DriverError (503 with the reason), not a 500. */
async function engine<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DriverError || err instanceof HttpError) throw err;
    throw new DriverError(`writing the workspace: ${(err as Error).message}`, 'engine', { cause: err });
  }
}
