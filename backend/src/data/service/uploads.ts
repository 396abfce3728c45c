/**
 * Resumable uploads: a session per upload, its bytes in `<dataDir>/uploads/<id>/data` (outside the
 * store, so a half-sent file is never an object), its committed offset in SQLite. A chunk is
 * written at the session's offset, fsynced, and only then counted; bytes past the committed offset
 * (a chunk cut off by a dropped connection or a crash) are cut away by the next chunk. Sessions
 * survive restarts; a session without a chunk for `ttlMs` is removed with its bytes (by the
 * dataset service's hourly sweep, at start, and when an upload is created).
 */
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateUploadBody, UploadSession } from '../../protocol/index.js';
import { HttpError, notFound } from '../../api/errors.js';
import type { DatasetStore, UploadRecord } from '../../store/datasets.js';

export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
export const DEFAULT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface UploadOptions {
  chunkSize?: number;
  ttlMs?: number;
}

async function writeAll(fh: import('node:fs/promises').FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < chunk.length; ) {
    const { bytesWritten } = await fh.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}

export class Uploads {
  readonly chunkSize: number;
  private readonly ttlMs: number;
  /** Sessions with a chunk or a completion in progress: one at a time each. */
  private readonly busy = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly repo: DatasetStore,
    options: UploadOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.ttlMs = options.ttlMs ?? DEFAULT_UPLOAD_TTL_MS;
  }

  dataPath(id: string): string {
    return join(this.dir, id, 'data');
  }

  private view(record: UploadRecord): UploadSession {
    const expiresAt = new Date(Date.parse(record.updatedAt) + this.ttlMs).toISOString();
    return { ...record.session, chunkSize: this.chunkSize, expiresAt };
  }

  /** The caller's session; another user's is 404. */
  private owned(ownerId: string, id: string): UploadRecord {
    const record = this.repo.upload(id);
    if (!record || record.ownerId !== ownerId) throw notFound('upload');
    return record;
  }

  async create(ownerId: string, body: Required<CreateUploadBody>): Promise<UploadSession> {
    await this.expire();
    const record = this.repo.createUpload(ownerId, body);
    await mkdir(join(this.dir, record.session.id), { recursive: true });
    await (await open(this.dataPath(record.session.id), 'w', 0o600)).close();
    return this.view(record);
  }

  get(ownerId: string, id: string): UploadSession {
    return this.view(this.owned(ownerId, id));
  }

  /** Runs `work` with the session held, so no chunk lands while it completes (and no two chunks race). */
  async hold<T>(ownerId: string, id: string, work: (session: UploadSession) => Promise<T>): Promise<T> {
    const session = this.get(ownerId, id);
    if (this.busy.has(id)) throw new HttpError('conflict', 'this upload is busy with another request; retry when it has finished');
    this.busy.add(id);
    try {
      return await work(session);
    } finally {
      this.busy.delete(id);
    }
  }

  /** Writes one chunk at `offset` (at most the session's offset: a resent chunk overwrites) and answers the new committed offset. */
  writeChunk(ownerId: string, id: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<UploadSession> {
    return this.hold(ownerId, id, async (session) => {
      if (offset > session.offset) {
        throw new HttpError('conflict', `chunk starts at ${offset} but the upload holds ${session.offset} bytes; resume from there`, [], { offset: session.offset });
      }
      const end = await this.writeAt(session, offset, body);
      this.repo.setUploadOffset(id, end);
      return this.get(ownerId, id);
    });
  }

  private async writeAt(session: UploadSession, offset: number, body: AsyncIterable<Uint8Array>): Promise<number> {
    const fh = await open(this.dataPath(session.id), 'r+');
    try {
      await fh.truncate(offset);
      let position = offset;
      for await (const chunk of body) {
        if (position + chunk.length - offset > this.chunkSize) throw new HttpError('payload_too_large', `a chunk may hold at most ${this.chunkSize} bytes`);
        if (position + chunk.length > session.size) throw new HttpError('bad_request', `the chunk goes past the announced size of ${session.size} bytes`);
        await writeAll(fh, chunk, position);
        position += chunk.length;
      }
      await fh.sync();
      return position;
    } finally {
      await fh.close();
    }
  }

  async remove(id: string): Promise<void> {
    this.repo.deleteUpload(id);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  async cancel(ownerId: string, id: string): Promise<UploadSession> {
    return this.hold(ownerId, id, async (session) => {
      await this.remove(id);
      return session;
    });
  }

  /** Removes sessions idle past their expiry (a session with a request in progress stays). */
  async expire(now = Date.now()): Promise<void> {
    for (const id of this.repo.staleUploads(new Date(now - this.ttlMs).toISOString())) {
      if (!this.busy.has(id)) await this.remove(id);
    }
  }

  /**
   * After a crash, before any request: expired sessions, folders without a session and sessions
   * without a folder go. Only then: while requests run, a session being created has its row
   * before its folder, and would look half-made.
   */
  async recover(): Promise<void> {
    await this.expire();
    await mkdir(this.dir, { recursive: true });
    const known = new Set(this.repo.uploadIds());
    const present = new Set(await readdir(this.dir));
    for (const name of present) if (!known.has(name)) await rm(join(this.dir, name), { recursive: true, force: true });
    for (const id of known) if (!present.has(id)) this.repo.deleteUpload(id);
  }
}
