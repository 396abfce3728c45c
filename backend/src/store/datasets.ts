import { z } from 'zod';
import {
  Dataset,
  DatasetVersion,
  Profile,
  UploadSession,
  VersionFile,
  VersionStep,
  versionRef,
  type DataFormat,
  type VersionDetail,
} from '../protocol/index.js';
import type { Db } from './db.js';
import { randomBase62 } from './ids.js';

interface DatasetRow {
  id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  created_at: string;
  updated_at: string;
  version_count: number;
}

interface VersionRow {
  id: string;
  dataset_id: string;
  dataset_name: string;
  number: number;
  parent_number: number | null;
  content_hash: string;
  kind: 'file' | 'folder';
  files: string;
  file_count: number;
  total_size: number;
  format: DataFormat;
  profile: string | null;
  creator_name: string;
  created_at: string;
  message: string;
  step: string;
  deleted_at: string | null;
}

interface UploadRow {
  id: string;
  owner_id: string;
  file_name: string;
  kind: 'file' | 'tar';
  size: number;
  committed_offset: number;
  created_at: string;
  updated_at: string;
}

/** A new version as the service hands it over. */
export interface NewVersion {
  contentHash: string;
  kind: 'file' | 'folder';
  files: VersionFile[];
  totalSize: number;
  format: DataFormat;
  profile: Profile | null;
  message: string;
  step: VersionStep;
}

/** An upload session with what stays inside the backend. */
export interface UploadRecord {
  ownerId: string;
  updatedAt: string;
  session: Omit<UploadSession, 'chunkSize' | 'expiresAt'>;
}

const newId = (prefix: 'dst' | 'dsv' | 'upl'): string => `${prefix}_${randomBase62(16)}`;
const Files = z.array(VersionFile);

const VERSION_SELECT = `
  SELECT v.*, d.name AS dataset_name, u.name AS creator_name
  FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id JOIN users u ON u.id = v.creator_id`;

function toVersion(r: VersionRow): DatasetVersion {
  return DatasetVersion.parse({
    id: r.id,
    datasetId: r.dataset_id,
    dataset: r.dataset_name,
    number: r.number,
    ref: versionRef(r.dataset_name, r.number),
    parent: r.parent_number === null ? null : versionRef(r.dataset_name, r.parent_number),
    contentHash: r.content_hash,
    kind: r.kind,
    fileCount: r.file_count,
    totalSize: r.total_size,
    format: r.format,
    profiled: r.profile !== null,
    creator: r.creator_name,
    createdAt: r.created_at,
    message: r.message,
    step: VersionStep.parse(JSON.parse(r.step)),
  });
}

function toDetail(r: VersionRow): VersionDetail {
  return {
    ...toVersion(r),
    files: Files.parse(JSON.parse(r.files)),
    profile: r.profile === null ? null : Profile.parse(JSON.parse(r.profile)),
  };
}

function toUpload(r: UploadRow): UploadRecord {
  return {
    ownerId: r.owner_id,
    updatedAt: r.updated_at,
    session: { id: r.id, fileName: r.file_name, kind: r.kind, size: r.size, offset: r.committed_offset, createdAt: r.created_at },
  };
}

/** Datasets, their versions and upload sessions (migration v3). Every read is scoped to an owner: another user's dataset does not exist here. */
export class DatasetStore {
  constructor(private readonly db: Db) {}

  private datasetRows(ownerId: string, name?: string): DatasetRow[] {
    return this.db
      .prepare(
        `SELECT d.*, u.name AS owner_name,
           (SELECT COUNT(*) FROM dataset_versions v WHERE v.dataset_id = d.id AND v.deleted_at IS NULL) AS version_count
         FROM datasets d JOIN users u ON u.id = d.owner_id
         WHERE d.owner_id = ? ${name === undefined ? '' : 'AND d.name = ?'} ORDER BY d.name`,
      )
      .all(...(name === undefined ? [ownerId] : [ownerId, name])) as DatasetRow[];
  }

  private toDataset(r: DatasetRow): Dataset {
    return Dataset.parse({
      id: r.id,
      name: r.name,
      owner: r.owner_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      versionCount: r.version_count,
      latest: this.latest(r.id) ?? null,
    });
  }

  list(ownerId: string): Dataset[] {
    return this.datasetRows(ownerId).map((r) => this.toDataset(r));
  }

  get(ownerId: string, name: string): Dataset | undefined {
    const row = this.datasetRows(ownerId, name)[0];
    return row ? this.toDataset(row) : undefined;
  }

  latest(datasetId: string): DatasetVersion | undefined {
    const row = this.db
      .prepare(`${VERSION_SELECT} WHERE v.dataset_id = ? AND v.deleted_at IS NULL ORDER BY v.number DESC LIMIT 1`)
      .get(datasetId) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  versions(datasetId: string, limit: number): DatasetVersion[] {
    const rows = this.db
      .prepare(`${VERSION_SELECT} WHERE v.dataset_id = ? AND v.deleted_at IS NULL ORDER BY v.number DESC LIMIT ?`)
      .all(datasetId, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  version(datasetId: string, number: number): VersionDetail | undefined {
    const row = this.db
      .prepare(`${VERSION_SELECT} WHERE v.dataset_id = ? AND v.number = ? AND v.deleted_at IS NULL`)
      .get(datasetId, number) as VersionRow | undefined;
    return row ? toDetail(row) : undefined;
  }

  /** A live version of the dataset with this content, if any (the duplicate check). */
  withContent(datasetId: string, contentHash: string): DatasetVersion | undefined {
    const row = this.db
      .prepare(`${VERSION_SELECT} WHERE v.dataset_id = ? AND v.content_hash = ? AND v.deleted_at IS NULL ORDER BY v.number DESC LIMIT 1`)
      .get(datasetId, contentHash) as VersionRow | undefined;
    return row ? toVersion(row) : undefined;
  }

  /**
   * Records a version as the dataset's next number, creating the dataset on its first version.
   * Numbers are never reused, even after a delete, so `NAME@vN` always names the same content.
   */
  addVersion(ownerId: string, name: string, v: NewVersion, now = new Date().toISOString()): { dataset: Dataset; version: DatasetVersion; created: boolean } {
    return this.db.transaction(() => {
      let datasetId = (this.db.prepare('SELECT id FROM datasets WHERE owner_id = ? AND name = ?').get(ownerId, name) as { id: string } | undefined)?.id;
      const created = datasetId === undefined;
      if (!datasetId) {
        datasetId = newId('dst');
        this.db.prepare('INSERT INTO datasets (id, owner_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(datasetId, ownerId, name, now, now);
      }
      const max = (this.db.prepare('SELECT MAX(number) AS n FROM dataset_versions WHERE dataset_id = ?').get(datasetId) as { n: number | null }).n ?? 0;
      const parent = this.latest(datasetId);
      const id = newId('dsv');
      this.db
        .prepare(
          `INSERT INTO dataset_versions (id, dataset_id, number, parent_number, content_hash, kind, files, file_count, total_size, format, profile, creator_id, created_at, message, step)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id, datasetId, max + 1, parent?.number ?? null, v.contentHash, v.kind, JSON.stringify(v.files), v.files.length, v.totalSize, v.format,
          v.profile ? JSON.stringify(v.profile) : null, ownerId, now, v.message, JSON.stringify(v.step),
        );
      this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(now, datasetId);
      const dataset = this.get(ownerId, name)!;
      return { dataset, version: dataset.latest!, created };
    })();
  }

  /** Marks a version deleted; its number is not reused. */
  deleteVersion(datasetId: string, number: number, now = new Date().toISOString()): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE dataset_versions SET deleted_at = ? WHERE dataset_id = ? AND number = ? AND deleted_at IS NULL').run(now, datasetId, number);
      this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(now, datasetId);
    })();
  }

  /** Every object id a live version references (a folder's `.dir` id stands for its files), across all owners. */
  referencedObjects(): string[] {
    return (this.db.prepare('SELECT DISTINCT content_hash AS h FROM dataset_versions WHERE deleted_at IS NULL').all() as { h: string }[]).map((r) => r.h);
  }

  /** Live versions holding any of these object ids (as their content or one of their files), for reports; `ownerId` limits them to one owner. */
  versionsReferencing(ids: ReadonlySet<string>, ownerId?: string): { ref: string; contentHash: string; files: VersionFile[] }[] {
    const rows = this.db
      .prepare(`${VERSION_SELECT} WHERE v.deleted_at IS NULL ${ownerId ? 'AND d.owner_id = ?' : ''}`)
      .all(...(ownerId ? [ownerId] : [])) as VersionRow[];
    return rows
      .map((r) => ({ ref: versionRef(r.dataset_name, r.number), contentHash: r.content_hash, files: Files.parse(JSON.parse(r.files)) }))
      .filter((v) => ids.has(v.contentHash) || v.files.some((f) => ids.has(f.md5)));
  }

  // ---- uploads ----

  createUpload(ownerId: string, input: { fileName: string; kind: 'file' | 'tar'; size: number }, now = new Date().toISOString()): UploadRecord {
    const id = newId('upl');
    this.db
      .prepare('INSERT INTO dataset_uploads (id, owner_id, file_name, kind, size, committed_offset, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
      .run(id, ownerId, input.fileName, input.kind, input.size, now, now);
    return this.upload(id)!;
  }

  upload(id: string): UploadRecord | undefined {
    const row = this.db.prepare('SELECT * FROM dataset_uploads WHERE id = ?').get(id) as UploadRow | undefined;
    return row ? toUpload(row) : undefined;
  }

  setUploadOffset(id: string, offset: number, now = new Date().toISOString()): void {
    this.db.prepare('UPDATE dataset_uploads SET committed_offset = ?, updated_at = ? WHERE id = ?').run(offset, now, id);
  }

  deleteUpload(id: string): void {
    this.db.prepare('DELETE FROM dataset_uploads WHERE id = ?').run(id);
  }

  /** Sessions without a chunk since `before` (ISO time). */
  staleUploads(before: string): string[] {
    return (this.db.prepare('SELECT id FROM dataset_uploads WHERE updated_at < ?').all(before) as { id: string }[]).map((r) => r.id);
  }

  uploadIds(): string[] {
    return (this.db.prepare('SELECT id FROM dataset_uploads').all() as { id: string }[]).map((r) => r.id);
  }
}
