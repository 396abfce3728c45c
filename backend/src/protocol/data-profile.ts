import { z } from 'zod';

/**
 * What profiling a tabular version yields; stored with the version and shown in the profile
 * webview. Versioned from the start (`version`), so a stored profile can be migrated later.
 */

export const ColumnType = z.enum(['integer', 'float', 'decimal', 'boolean', 'date', 'timestamp', 'time', 'string', 'other']);
export type ColumnType = z.infer<typeof ColumnType>;

/** One bar of a numeric histogram: values in [lower, upper), the last bar also holding its upper bound. */
export const HistogramBin = z.strictObject({ lower: z.number(), upper: z.number(), count: z.number().int().nonnegative() });
export type HistogramBin = z.infer<typeof HistogramBin>;

export const TopValue = z.strictObject({ value: z.string(), count: z.number().int().positive() });
export type TopValue = z.infer<typeof TopValue>;

export const NumericStats = z.strictObject({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  /** Sample standard deviation; null with fewer than two values. */
  std: z.number().nullable(),
});
export type NumericStats = z.infer<typeof NumericStats>;

export const ColumnProfile = z.strictObject({
  name: z.string(),
  type: ColumnType,
  /** The engine's own type name, e.g. BIGINT, TIMESTAMP, DECIMAL(10,2). */
  engineType: z.string(),
  nullCount: z.number().int().nonnegative(),
  /** Distinct non-null values: counted exactly when the table is counted whole, else a HyperLogLog estimate (`distinctExact` says which). */
  distinctEstimate: z.number().int().nonnegative(),
  distinctExact: z.boolean(),
  /** Numbers (integer, float, decimal) with at least one finite value; null otherwise. */
  numeric: NumericStats.nullable(),
  /** Earliest and latest value of dates, timestamps and times, as text. */
  range: z.strictObject({ min: z.string(), max: z.string() }).nullable(),
  /** Numbers: about 20 equal-width bins (one per value for a narrow integer range). */
  histogram: z.array(HistogramBin).nullable(),
  /** Strings and booleans: the 10 most frequent values, most frequent first — their histogram. */
  topValues: z.array(TopValue).nullable(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const SampleValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type SampleValue = z.infer<typeof SampleValue>;

export const Profile = z.strictObject({
  version: z.literal(1),
  format: z.string(),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(ColumnProfile),
  /** The first rows, each a list of values in the order of `columns`. */
  sample: z.array(z.array(SampleValue)),
  /**
   * True when the table was too large to count whole: histograms and top-value counts are then
   * scaled from a random sample of about 100 000 rows, and distinct counts are HyperLogLog
   * estimates. Absent when every figure is exact.
   */
  approximate: z.boolean().optional(),
});
export type Profile = z.infer<typeof Profile>;
