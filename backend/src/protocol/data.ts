import { z } from 'zod';
import { Id, Limit, Timestamp } from './common.js';
import { FolderDiff, TabularDiff } from './data-diff.js';
import { Profile } from './data-profile.js';

/**
 * Datasets and their versions. A dataset belongs to one user (another user's dataset answers 404)
 * and holds numbered versions, `NAME@v1`, `NAME@v2`, …, each pointing at content in the
 * content-addressed store (`backend/src/data/store/`).
 */

// https://learn.microsoft.com/windows/win32/fileio/naming-a-file#naming-conventions
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * A dataset name: also a folder name (`data/raw/<name>/`) and a file name (`<name>.dvc`) on every
 * platform, so no '..', no trailing dot and no Windows device name.
 */
export const DatasetName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use 1 to 64 lowercase letters, digits, ".", "_" or "-", starting with a letter or a digit')
  .refine((name) => !name.includes('..'), 'must not contain ".."')
  .refine((name) => !name.endsWith('.'), 'must not end with "." (Windows drops it)')
  .refine((name) => !WINDOWS_DEVICE.test(name), 'is a reserved device name on Windows');
export type DatasetName = z.infer<typeof DatasetName>;

/** How the CLI, the API and the tree name a version: `iris@v3`. */
export const VersionRef = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}@v[1-9][0-9]{0,8}$/, 'must look like "iris@v3"');
export type VersionRef = z.infer<typeof VersionRef>;

export const versionRef = (name: string, number: number): VersionRef => `${name}@v${number}`;

/** Splits `iris@v3` into its dataset name and number; undefined when it is not a valid reference. */
export function parseVersionRef(ref: string): { name: DatasetName; number: number } | undefined {
  if (!VersionRef.safeParse(ref).success) return undefined;
  const at = ref.lastIndexOf('@v');
  const name = DatasetName.safeParse(ref.slice(0, at));
  return name.success ? { name: name.data, number: Number(ref.slice(at + 2)) } : undefined;
}

export const Md5 = z.string().regex(/^[0-9a-f]{32}$/, 'must be an md5 in lowercase hex');
/** A store object id: a file's md5, or a folder manifest's md5 followed by `.dir` (as DVC writes it). */
export const ContentHash = z.string().regex(/^[0-9a-f]{32}(\.dir)?$/, 'must be an md5, or an md5 followed by ".dir"');

/** What a version's content is, recognised by content (see `backend/src/data/inspect/formats.ts`); `folder` for a folder. */
export const DataFormat = z.enum([
  'csv', 'tsv', 'parquet', 'json', 'jsonl', 'xlsx', 'jpeg', 'png', 'wav', 'mp3', 'text', 'pytorch', 'hdf5', 'onnx', 'pickle', 'folder',
]);
export type DataFormat = z.infer<typeof DataFormat>;

/** One file of a version: its path inside the version ('/'-separated; a single-file version holds one, named as uploaded). */
export const VersionFile = z.strictObject({ path: z.string(), md5: Md5, size: z.number().int().nonnegative() });
export type VersionFile = z.infer<typeof VersionFile>;

/** What produced a version: an upload, a restore of an older version (`params.from` = its ref), or a pipeline step with its parameters. */
export const VersionStep = z.strictObject({
  kind: z.enum(['upload', 'restore', 'pipeline']),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type VersionStep = z.infer<typeof VersionStep>;

export const DatasetVersion = z.strictObject({
  id: Id,
  datasetId: Id,
  dataset: DatasetName,
  number: z.number().int().positive(),
  ref: VersionRef,
  /** The version that was latest when this one was added; null for the first. */
  parent: VersionRef.nullable(),
  contentHash: ContentHash,
  kind: z.enum(['file', 'folder']),
  fileCount: z.number().int().nonnegative(),
  totalSize: z.number().int().nonnegative(),
  format: DataFormat,
  /** Whether a profile is stored (tabular files only). */
  profiled: z.boolean(),
  /** Name of the user who added it. */
  creator: z.string(),
  createdAt: Timestamp,
  message: z.string(),
  step: VersionStep,
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;

/** One version with what it holds: its files and, for a tabular file, its profile. */
export const VersionDetail = DatasetVersion.extend({ files: z.array(VersionFile), profile: Profile.nullable() });
export type VersionDetail = z.infer<typeof VersionDetail>;

export const Dataset = z.strictObject({
  id: Id,
  name: DatasetName,
  owner: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  versionCount: z.number().int().nonnegative(),
  /** The highest-numbered version not deleted; null when every version was deleted. */
  latest: DatasetVersion.nullable(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetList = z.strictObject({ datasets: z.array(Dataset) });
export type DatasetList = z.infer<typeof DatasetList>;

export const VersionList = z.strictObject({ versions: z.array(DatasetVersion) });
export type VersionList = z.infer<typeof VersionList>;

export const DatasetParams = z.strictObject({ name: DatasetName });
export type DatasetParams = z.infer<typeof DatasetParams>;

export const VersionNumber = z.coerce.number().int().min(1).max(999_999_999);
export const VersionParams = z.strictObject({ name: DatasetName, number: VersionNumber });
export type VersionParams = z.input<typeof VersionParams>;

export const VersionListQuery = z.strictObject({ limit: Limit });

/** `?from=1&to=2&key=id`: rows matched by `key` when given, else compared by row hash. */
export const DiffQuery = z.strictObject({
  from: VersionNumber,
  to: VersionNumber,
  key: z.string().min(1).max(256).optional(),
});
export type DiffQuery = z.input<typeof DiffQuery>;

/** A file version that is not tabular on both sides: whether the bytes changed. */
export const FileChange = z.strictObject({
  before: z.strictObject({ md5: Md5, size: z.number().int().nonnegative(), format: DataFormat }),
  after: z.strictObject({ md5: Md5, size: z.number().int().nonnegative(), format: DataFormat }),
  same: z.boolean(),
});
export type FileChange = z.infer<typeof FileChange>;

export const DatasetDiff = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tabular'), from: VersionRef, to: VersionRef, diff: TabularDiff }),
  z.strictObject({ kind: z.literal('folder'), from: VersionRef, to: VersionRef, diff: FolderDiff }),
  z.strictObject({ kind: z.literal('file'), from: VersionRef, to: VersionRef, diff: FileChange }),
]);
export type DatasetDiff = z.infer<typeof DatasetDiff>;

export const RestoreBody = z.strictObject({ message: z.string().max(2000).optional() });
export type RestoreBody = z.infer<typeof RestoreBody>;

/** `details` of the 409 `conflict` answer to adding content equal to an existing version of the same dataset. */
export const DuplicateDetails = z.object({ existing: DatasetVersion });
export type DuplicateDetails = z.infer<typeof DuplicateDetails>;

/**
 * `details` of the 422 `invalid_data` answer: what is wrong, in which file of the upload (`path`,
 * for a folder), and where: the 1-based `line` and the 0-based `byte` offset when known.
 */
export const InvalidDataDetails = z.object({
  problem: z.string(),
  path: z.string().optional(),
  line: z.number().int().positive().optional(),
  byte: z.number().int().nonnegative().optional(),
});
export type InvalidDataDetails = z.infer<typeof InvalidDataDetails>;

// ---- resumable upload -------------------------------------------------------------------------

/** Largest upload the backend accepts (1 TiB). */
export const MAX_UPLOAD_BYTES = 2 ** 40;

/**
 * A file name as uploaded: one path segment, used to name the single file of the version and as a
 * hint for format detection (content decides).
 */
export const UploadFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[/\\:<>"|?*]/.test(s) && ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must be a plain file name (no separators or special characters)')
  .refine((s) => s !== '.' && s !== '..' && !/[. ]$/.test(s), 'must not be "." or "..", or end in a dot or a space');

export const CreateUploadBody = z.strictObject({
  /** Exact size of what will be uploaded, in bytes. */
  size: z.number().int().nonnegative().max(MAX_UPLOAD_BYTES),
  /** The file's name (`file`), or the folder's name (`tar`). */
  fileName: UploadFileName,
  /** `file`: the bytes of one file; `tar`: a ustar/pax archive of a folder (regular files and folders only). */
  kind: z.enum(['file', 'tar']).default('file'),
});
export type CreateUploadBody = z.input<typeof CreateUploadBody>;

export const UploadSession = z.strictObject({
  id: Id,
  fileName: UploadFileName,
  kind: z.enum(['file', 'tar']),
  size: z.number().int().nonnegative(),
  /** Bytes received and on disk: the next chunk starts here. */
  offset: z.number().int().nonnegative(),
  /** Largest chunk one PUT may carry. */
  chunkSize: z.number().int().positive(),
  createdAt: Timestamp,
  /** After this time without a chunk the session may be removed with its bytes (swept when the backend starts and when an upload is created). */
  expiresAt: Timestamp,
});
export type UploadSession = z.infer<typeof UploadSession>;

export const CompleteUploadBody = z.strictObject({
  name: DatasetName,
  message: z.string().max(2000).default(''),
  /** Add a version even when its content equals an existing version of the dataset. */
  force: z.boolean().default(false),
});
export type CompleteUploadBody = z.input<typeof CompleteUploadBody>;

/** `?offset=N` of a chunk: where its first byte goes; must equal the session's offset. */
export const ChunkQuery = z.strictObject({ offset: z.coerce.number().int().nonnegative().max(MAX_UPLOAD_BYTES) });
export type ChunkQuery = z.input<typeof ChunkQuery>;

/** `?path=` of a version's file: its path inside the version (see `VersionFile.path`). */
export const VersionFileQuery = z.strictObject({ path: z.string().min(1).max(4096) });
export type VersionFileQuery = z.input<typeof VersionFileQuery>;

// ---- store maintenance ------------------------------------------------------------------------

export const GcResult = z.strictObject({
  removedObjects: z.number().int().nonnegative(),
  freedBytes: z.number().int().nonnegative(),
  keptObjects: z.number().int().nonnegative(),
});
export type GcResult = z.infer<typeof GcResult>;

export const VerifyResult = z.strictObject({
  checkedObjects: z.number().int().nonnegative(),
  checkedBytes: z.number().int().nonnegative(),
  /** Objects whose bytes no longer hash to their id, with the versions that reference them. */
  corrupt: z.array(z.strictObject({ object: ContentHash, versions: z.array(VersionRef) })),
  /** Objects a version references that are not in the store. */
  missing: z.array(z.strictObject({ object: ContentHash, versions: z.array(VersionRef) })),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

/** Topic of dataset events: `resource.created|changed|deleted` with resource `dataset` (data: `Dataset`) or `dataset-version` (data: `DatasetVersion`). */
export const DATASETS_TOPIC = 'datasets';

/**
 * Routes whose request or answer body is raw bytes (`application/octet-stream`), outside the JSON
 * route table: params and queries are still validated with these schemas.
 */
export const rawDataRoutes = {
  /** PUT one chunk (`?offset=`), answers the `UploadSession` with its new offset. */
  uploadChunk: { method: 'PUT', path: '/api/v1/dataset-uploads/:id', params: z.strictObject({ id: Id }), query: ChunkQuery, auth: 'user' },
  /**
   * GET one file of a version, streamed; `x-mlwb-md5` carries its md5. A blob found corrupt before
   * the answer starts is 503 `corrupt_blob`; found corrupt while streaming, the connection is cut, so
   * the client never ends up with a complete, wrong file.
   */
  versionFile: { method: 'GET', path: '/api/v1/datasets/:name/versions/:number/file', params: VersionParams, query: VersionFileQuery, auth: 'user' },
} as const;
