/**
 * Datasets as the API offers them: versions recorded in SQLite (`store/datasets.ts`), content in
 * the content-addressed store (`data/store/`), inspection by `data/inspect/`. Every method is
 * scoped to the calling user: another user's dataset is not found.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { HttpError, notFound } from '../../api/errors.js';
import type { EventBus } from '../../events/bus.js';
import {
  DATASETS_TOPIC,
  type CompleteUploadBody,
  type Dataset,
  type DatasetVersion,
  type GcResult,
  type User,
  type VerifyResult,
  type VersionDetail,
} from '../../protocol/index.js';
import type { Store } from '../../store/index.js';
import type { NewVersion } from '../../store/datasets.js';
import { ContentStore } from '../store/cas.js';
import { GcRefusedError } from '../store/errors.js';
import { diffVersions, type DiffRequest } from './diff.js';
import { ingestTar, inspectFile } from './ingest.js';
import { DuplicateVersionError, InvalidDataError } from './invalid.js';
import { RwLock } from './rwlock.js';
import { Uploads, type UploadOptions } from './uploads.js';

export interface DatasetServiceOptions extends UploadOptions {
  /** DuckDB threads for profiling and diffs; all cores by default. */
  threads?: number;
  /** How often expired uploads are swept while the backend runs (default hourly). */
  sweepEveryMs?: number;
  warn?: (message: string) => void;
}

export const corruptBlob = (what: string): HttpError =>
  new HttpError('corrupt_blob', `${what}; the store is damaged (run \`mlwb data verify\`), nothing was served`);

/** Expired uploads are swept this often: an abandoned upload's bytes are gone within an hour of its expiry. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class DatasetService {
  private readonly lock = new RwLock();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    readonly cas: ContentStore,
    readonly uploads: Uploads,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly options: DatasetServiceOptions,
  ) {
    this.sweeper = setInterval(() => {
      uploads.expire().catch((err: Error) => options.warn?.(`sweeping expired uploads failed: ${err.message}`));
    }, options.sweepEveryMs ?? SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Stops the sweep (the backend is closing). */
  close(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Opens the store under `<dataDir>/datasets` and cleans up after a crash (runs under the data
   * directory's lock, before any request): temp files, expired or orphaned uploads, and objects no
   * version references (an add killed between storing its content and recording its version).
   */
  static async open(dataDir: string, store: Store, bus: EventBus, options: DatasetServiceOptions = {}): Promise<DatasetService> {
    const cas = await ContentStore.open(join(dataDir, 'datasets'));
    await cas.cleanTemp();
    const uploads = new Uploads(join(dataDir, 'uploads'), store.datasets, options);
    await uploads.recover();
    const service = new DatasetService(cas, uploads, store, bus, options);
    await service.collect().catch((err: Error) => options.warn?.(`dataset store clean-up skipped: ${err.message}`));
    return service;
  }

  list(user: User): Dataset[] {
    return this.store.datasets.list(user.id);
  }

  get(user: User, name: string): Dataset {
    const dataset = this.store.datasets.get(user.id, name);
    if (!dataset) throw notFound(`dataset ${name}`);
    return dataset;
  }

  versions(user: User, name: string, limit: number): DatasetVersion[] {
    return this.store.datasets.versions(this.get(user, name).id, limit);
  }

  version(user: User, name: string, number: number): VersionDetail {
    const version = this.store.datasets.version(this.get(user, name).id, number);
    if (!version) throw notFound(`version ${name}@v${number}`);
    return version;
  }

  diff(user: User, request: DiffRequest): Promise<import('../../protocol/index.js').DatasetDiff> {
    const before = this.version(user, request.name, request.from);
    const after = this.version(user, request.name, request.to);
    return diffVersions(this.cas, before, after, request.key, this.options.threads);
  }

  /** A stream of one file of a version, verified as it is read; a missing or resized object is refused before a byte goes out. */
  async openFile(user: User, name: string, number: number, path: string): Promise<{ stream: Readable; size: number; md5: string }> {
    const file = this.version(user, name, number).files.find((f) => f.path === path);
    if (!file) throw notFound(`file ${JSON.stringify(path)} in ${name}@v${number}`);
    const info = await stat(this.cas.pathOf(file.md5)).catch(() => undefined);
    if (!info) throw corruptBlob(`object ${file.md5} of ${name}@v${number} is missing`);
    if (info.size !== file.size) throw corruptBlob(`object ${file.md5} of ${name}@v${number} holds ${info.size} bytes instead of ${file.size}`);
    return { stream: await this.cas.open(file.md5), size: file.size, md5: file.md5 };
  }

  /** Turns a complete upload into a version of `body.name`; see the README for the order of steps. */
  complete(user: User, uploadId: string, body: Required<CompleteUploadBody>): Promise<DatasetVersion> {
    return this.uploads.hold(user.id, uploadId, async (session) => {
      if (session.offset !== session.size) {
        throw new HttpError('conflict', `the upload holds ${session.offset} of ${session.size} bytes; send the rest first`, [], { offset: session.offset });
      }
      try {
        const version = session.kind === 'file' ? await this.addFile(user, session, body) : await this.addFolder(user, session, body);
        await this.uploads.remove(uploadId);
        return version;
      } catch (err) {
        // Invalid content stays invalid: its bytes go. A duplicate keeps them, for a retry with `force`.
        if (err instanceof InvalidDataError) await this.uploads.remove(uploadId);
        throw toHttp(err);
      }
    });
  }

  private async addFile(user: User, session: { id: string; fileName: string }, body: Required<CompleteUploadBody>): Promise<DatasetVersion> {
    const path = this.uploads.dataPath(session.id);
    const inspected = await inspectFile(path, session.fileName, this.options.threads === undefined ? {} : { threads: this.options.threads });
    return this.lock.shared(async () => {
      this.refuseDuplicate(user, body, inspected.md5);
      await this.cas.adopt(path, inspected.md5);
      return this.record(user, body.name, {
        contentHash: inspected.md5,
        kind: 'file',
        files: [{ path: session.fileName, md5: inspected.md5, size: inspected.size }],
        totalSize: inspected.size,
        format: inspected.format,
        profile: inspected.profile,
        message: body.message,
        step: { kind: 'upload' },
      });
    });
  }

  private async addFolder(user: User, session: { id: string }, body: Required<CompleteUploadBody>): Promise<DatasetVersion> {
    const created: string[] = [];
    try {
      return await this.lock.shared(async () => {
        const { files } = await ingestTar(this.cas, this.uploads.dataPath(session.id), created);
        const manifest = await this.cas.putManifest(files.map((f) => ({ md5: f.md5, relpath: f.path })));
        if (manifest.created) created.push(manifest.id);
        this.refuseDuplicate(user, body, manifest.id);
        const sorted = manifest.entries.map((e) => files.find((f) => f.path === e.relpath)!);
        return this.record(user, body.name, {
          contentHash: manifest.id,
          kind: 'folder',
          files: sorted,
          totalSize: files.reduce((n, f) => n + f.size, 0),
          format: 'folder',
          profile: null,
          message: body.message,
          step: { kind: 'upload' },
        });
      });
    } catch (err) {
      await this.lock.exclusive(() => this.removeUnreferenced(created));
      throw err;
    }
  }

  private refuseDuplicate(user: User, body: Required<CompleteUploadBody>, contentHash: string): void {
    if (body.force) return;
    const dataset = this.store.datasets.get(user.id, body.name);
    const existing = dataset && this.store.datasets.withContent(dataset.id, contentHash);
    if (existing) throw new DuplicateVersionError(existing);
  }

  private record(user: User, name: string, version: NewVersion): DatasetVersion {
    const added = this.store.datasets.addVersion(user.id, name, version);
    this.publish(user, added.dataset, added.created ? 'resource.created' : 'resource.changed', added.version, 'resource.created');
    return added.version;
  }

  private publish(user: User, dataset: Dataset, kind: 'resource.created' | 'resource.changed', version: DatasetVersion, versionKind: 'resource.created' | 'resource.deleted'): void {
    const audience = { userIds: [user.id] };
    this.bus.publish(audience, DATASETS_TOPIC, { kind: versionKind, resource: 'dataset-version', resourceId: version.id, data: version });
    this.bus.publish(audience, DATASETS_TOPIC, { kind, resource: 'dataset', resourceId: dataset.id, data: dataset });
  }

  /** A new latest version with the content of an older one (history is never rewritten). */
  restore(user: User, name: string, number: number, message: string | undefined): Promise<DatasetVersion> {
    const old = this.version(user, name, number);
    return this.lock.shared(async () => {
      if (!(await this.cas.has(old.contentHash))) throw corruptBlob(`object ${old.contentHash} of ${old.ref} is missing`);
      return this.record(user, name, {
        contentHash: old.contentHash,
        kind: old.kind,
        files: old.files,
        totalSize: old.totalSize,
        format: old.format,
        profile: old.profile,
        message: message ?? `restored from ${old.ref}`,
        step: { kind: 'restore', params: { from: old.ref } },
      });
    });
  }

  /** Deletes a version; its objects go at once unless another version (of anyone) still references them. */
  remove(user: User, name: string, number: number): Promise<DatasetVersion> {
    const version = this.version(user, name, number);
    return this.lock.exclusive(async () => {
      this.store.datasets.deleteVersion(version.datasetId, number);
      await this.removeUnreferenced([version.contentHash, ...version.files.map((f) => f.md5)]);
      const { files: _files, profile: _profile, ...summary } = version;
      this.publish(user, this.get(user, name), 'resource.changed', summary, 'resource.deleted');
      return summary;
    });
  }

  /** Removes those of `ids` that no live version references. Call under the exclusive lock. */
  private async removeUnreferenced(ids: readonly string[]): Promise<void> {
    const referenced = new Set(this.store.datasets.versionsReferencing(new Set(ids)).flatMap((v) => [v.contentHash, ...v.files.map((f) => f.md5)]));
    for (const id of new Set(ids)) {
      if (!referenced.has(id) && (await this.cas.has(id))) await this.cas.remove(this.cas.pathOf(id));
    }
  }

  private async collect(tempOlderThanMs = 0): Promise<GcResult> {
    const report = await this.cas.gc(this.store.datasets.referencedObjects(), { tempOlderThanMs });
    let kept = 0;
    for await (const _ of this.cas.objects()) kept += 1;
    return { removedObjects: report.removed.length, freedBytes: report.bytesFreed, keptObjects: kept };
  }

  /** Removes every object no live version references (and temp files older than an hour). */
  gc(): Promise<GcResult> {
    return this.lock.exclusive(() =>
      this.collect(60 * 60 * 1000).catch((err: unknown) => {
        if (err instanceof GcRefusedError) throw corruptBlob(err.message);
        throw err;
      }),
    );
  }

  /** Re-hashes every object; reports the corrupt and missing ones with the caller's versions that use them (an admin's: everyone's). */
  async verify(user: User): Promise<VerifyResult> {
    const report = await this.cas.verify({ expected: this.store.datasets.referencedObjects() });
    const ownerId = user.role === 'admin' ? undefined : user.id;
    const affected = (ids: string[]): { object: string; versions: string[] }[] => {
      const users = this.store.datasets.versionsReferencing(new Set(ids), ownerId);
      return ids
        .map((id) => ({ object: id, versions: users.filter((v) => v.contentHash === id || v.files.some((f) => f.md5 === id)).map((v) => v.ref).sort() }))
        .filter((p) => ownerId === undefined || p.versions.length > 0);
    };
    return { checkedObjects: report.checked, checkedBytes: report.bytes, corrupt: affected(report.corrupt.map((c) => c.id)), missing: affected(report.missing) };
  }
}

/** The service's own refusals as HTTP errors: 422 `invalid_data` with where, 409 with the existing version. */
export function toHttp(err: unknown): unknown {
  if (err instanceof InvalidDataError) return new HttpError('invalid_data', err.message, [], { ...err.details });
  if (err instanceof DuplicateVersionError) return new HttpError('conflict', err.message, [], { existing: err.existing });
  return err;
}
