import { z } from 'zod';
import { SampleValue } from './data-profile.js';

/** What diffing two versions yields; shown in the dataset-diff webview and by `mlwb data diff`. */

export const ColumnRef = z.strictObject({ name: z.string(), engineType: z.string() });

export const SchemaDiff = z.strictObject({
  added: z.array(ColumnRef),
  removed: z.array(ColumnRef),
  retyped: z.array(z.strictObject({ name: z.string(), before: z.string(), after: z.string() })),
});
export type SchemaDiff = z.infer<typeof SchemaDiff>;

/** A row as column name → value. */
export const SampleRow = z.record(z.string(), SampleValue);
export type SampleRow = z.infer<typeof SampleRow>;

export const ChangedRow = z.strictObject({
  key: SampleValue,
  before: SampleRow,
  after: SampleRow,
  /** The columns (present in both versions) whose values differ. */
  columns: z.array(z.string()),
});
export type ChangedRow = z.infer<typeof ChangedRow>;

export const RowDiff = z.strictObject({
  /** `key`: rows matched by the key column; `hash`: rows compared whole, as a multiset, over the columns both versions have. */
  mode: z.enum(['key', 'hash']),
  key: z.string().nullable(),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  /** Rows whose key is in both versions with different values; null when compared by hash, where a change is a removal plus an addition. */
  changed: z.number().int().nonnegative().nullable(),
  unchanged: z.number().int().nonnegative(),
  samples: z.strictObject({ added: z.array(SampleRow), removed: z.array(SampleRow), changed: z.array(ChangedRow) }),
});
export type RowDiff = z.infer<typeof RowDiff>;

export const ColumnSummary = z.strictObject({
  type: z.string(),
  nullCount: z.number().int().nonnegative(),
  distinctEstimate: z.number().int().nonnegative(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type ColumnSummary = z.infer<typeof ColumnSummary>;

export const StatShift = z.strictObject({
  name: z.string(),
  before: ColumnSummary,
  after: ColumnSummary,
  /** (mean after − mean before) / std before: how far the mean moved, in standard deviations; null where undefined. */
  meanShift: z.number().nullable(),
});
export type StatShift = z.infer<typeof StatShift>;

export const ProfileDiff = z.strictObject({
  schema: SchemaDiff,
  rowCount: z.strictObject({ before: z.number().int().nonnegative(), after: z.number().int().nonnegative() }),
  stats: z.array(StatShift),
});
export type ProfileDiff = z.infer<typeof ProfileDiff>;

export const TabularDiff = ProfileDiff.extend({ version: z.literal(1), rows: RowDiff });
export type TabularDiff = z.infer<typeof TabularDiff>;

export const FileEntry = z.strictObject({ relpath: z.string(), md5: z.string(), size: z.number().int().nonnegative() });
export type FileEntry = z.infer<typeof FileEntry>;

export const FolderDiff = z.strictObject({
  added: z.array(FileEntry),
  removed: z.array(FileEntry),
  modified: z.array(z.strictObject({ relpath: z.string(), before: FileEntry.omit({ relpath: true }), after: FileEntry.omit({ relpath: true }) })),
  unchanged: z.number().int().nonnegative(),
});
export type FolderDiff = z.infer<typeof FolderDiff>;
