import { isCategorical, isNumeric, isTemporal, tableColumns, type Column } from './columns.js';
import { sqlName, sqlString, withEngine, type Engine, type EngineOptions, type Row } from './engine.js';
import type { DetectedFormat } from './formats.js';
import { loadTable } from './load.js';
import type { ColumnProfile, HistogramBin, NumericStats, Profile, SampleValue, TopValue } from '../../protocol/data-profile.js';
import { sampleValue } from './sample.js';

export interface ProfileOptions extends EngineOptions {
  /** Rows in the sample; 20 by default. */
  sampleRows?: number;
}

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;
/** Below this HyperLogLog estimate the distinct values are counted exactly (a small hash table); HLL is off by a few even on tiny sets, by about 2% on large ones. */
export const EXACT_DISTINCT_BELOW = 10_000;
/** Below this estimate every value is counted, so the top values are exact and ties go in value order; above it the candidates come from approx_top_k. */
export const EXACT_TOP_BELOW = 1_000;

/**
 * Profiles a tabular file with DuckDB: the file is parsed once into a table, then one scan takes
 * counts, numeric moments, HyperLogLog distinct estimates and approx_top_k candidates for every
 * column, and a second takes the histograms and the exact counts of those candidates.
 */
export function profileFile(path: string, detected: DetectedFormat, options: ProfileOptions = {}): Promise<Profile> {
  return withEngine(options, async (engine) => {
    // Loading in any order is about a quarter faster; the sample is read from the file, in order.
    await engine.run('SET preserve_insertion_order = false');
    const source = await loadTable(engine, 'data', path, detected);
    await engine.run('SET preserve_insertion_order = true');
    return profileTable(engine, 'data', detected.format, options.sampleRows ?? 20, source);
  });
}

/** Profiles a loaded table; the sample comes from `sampleSource` (a table function) when given, else from the table. */
export async function profileTable(engine: Engine, table: string, format: string, sampleRows: number, sampleSource?: string): Promise<Profile> {
  const columns = await tableColumns(engine, table);
  const [stats = {}] = await engine.rows(`SELECT ${['count(*) AS n', ...columns.flatMap(statsExprs)].join(', ')} FROM ${sqlName(table)}`);
  const rowCount = Number(stats.n);
  const numeric = columns.map((c, i) => (isNumeric(c.type) ? numericStats(stats, i) : null));
  const candidates = columns.map((c, i) => (isCategorical(c.type) ? ((stats[`top${i}`] as string[] | null) ?? []) : null));
  const shapes = columns.map((c, i) => binShape(c, numeric[i] ?? null));
  const estimates = columns.map((_, i) => Number(stats[`d${i}`]));
  const histograms = await secondPass(engine, table, columns, { shapes, candidates, estimates });
  const sample = await sampleRowsOf(engine, sampleSource ?? sqlName(table), columns, sampleRows);
  return {
    version: 1,
    format,
    rowCount,
    columns: columns.map(
      (c, i): ColumnProfile => ({
        name: c.name,
        type: c.type,
        engineType: c.engineType,
        nullCount: rowCount - Number(stats[`n${i}`]),
        distinctEstimate: histograms.distinct[i] ?? estimates[i]!,
        distinctExact: histograms.distinct[i] !== undefined,
        numeric: numeric[i] ?? null,
        range: isTemporal(c.type) && stats[`lo${i}`] != null ? { min: String(stats[`lo${i}`]), max: String(stats[`hi${i}`]) } : null,
        histogram: histograms.bins[i] ?? null,
        topValues: histograms.top[i] ?? null,
      }),
    ),
    sample,
  };
}

/** An aggregate of a column; floats are described by their finite values, as NaN and ±inf would make every moment meaningless. */
function aggregate(fn: string, c: Column): string {
  const col = sqlName(c.name);
  return `CAST(${fn}(${col})${c.type === 'float' ? ` FILTER (WHERE isfinite(${col}))` : ''} AS DOUBLE)`;
}

/** The column as text where it is not already (booleans, UUIDs, other types), for top values and distinct counts. */
function asText(c: Column): string {
  return c.engineType === 'VARCHAR' ? sqlName(c.name) : `CAST(${sqlName(c.name)} AS VARCHAR)`;
}

function statsExprs(c: Column, i: number): string[] {
  const col = sqlName(c.name);
  const exprs = [`count(${col}) AS n${i}`, `approx_count_distinct(${c.type === 'other' ? asText(c) : col}) AS d${i}`];
  if (isNumeric(c.type)) {
    exprs.push(`${aggregate('min', c)} AS lo${i}`, `${aggregate('max', c)} AS hi${i}`, `${aggregate('avg', c)} AS mean${i}`, `${aggregate('stddev_samp', c)} AS sd${i}`);
  } else if (isTemporal(c.type)) {
    exprs.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
  } else if (isCategorical(c.type)) {
    exprs.push(`approx_top_k(${asText(c)}, ${TOP_VALUES}) AS top${i}`);
  }
  return exprs;
}

function numericStats(stats: Row, i: number): NumericStats | null {
  if (stats[`lo${i}`] == null) return null;
  const std = stats[`sd${i}`];
  return { min: Number(stats[`lo${i}`]), max: Number(stats[`hi${i}`]), mean: Number(stats[`mean${i}`]), std: std == null ? null : Number(std) };
}

interface BinShape {
  lower: number;
  width: number;
  count: number;
}

/** 20 equal bins over [min, max]; one bin per value for integers spanning fewer than 20 values. */
function binShape(c: Column, stats: NumericStats | null): BinShape | null {
  if (!stats) return null;
  const span = stats.max - stats.min;
  if (span === 0) return { lower: stats.min, width: 1, count: 1 };
  if (c.type === 'integer' && span < HISTOGRAM_BINS) return { lower: stats.min, width: 1, count: span + 1 };
  return { lower: stats.min, width: span / HISTOGRAM_BINS, count: HISTOGRAM_BINS };
}

interface FirstPass {
  shapes: (BinShape | null)[];
  candidates: (string[] | null)[];
  estimates: number[];
}

interface SecondPass {
  bins: (HistogramBin[] | null)[];
  top: (TopValue[] | null)[];
  /** Exact distinct counts, where the estimate was small enough to count them. */
  distinct: (number | undefined)[];
}

function secondPassExprs(c: Column, i: number, first: FirstPass): string[] {
  const col = sqlName(c.name);
  const shape = first.shapes[i];
  const values = first.candidates[i];
  const estimate = first.estimates[i]!;
  // A histogram of every value already counts the distinct ones.
  if (values && estimate < EXACT_TOP_BELOW) return [`histogram(${asText(c)}) AS h${i}`];
  const exprs = estimate < EXACT_DISTINCT_BELOW ? [`count(DISTINCT ${c.type === 'other' ? asText(c) : col}) AS x${i}`] : [];
  if (shape) {
    const index = `least(floor((${col}::DOUBLE - ${shape.lower}) / ${shape.width}), ${shape.count - 1})::INTEGER`;
    exprs.push(`histogram(${index}) FILTER (WHERE ${col} IS NOT NULL${c.type === 'float' ? ` AND isfinite(${col})` : ''}) AS h${i}`);
  } else if (values?.length) {
    exprs.push(`histogram(${asText(c)}) FILTER (WHERE ${asText(c)} IN (${values.map(sqlString).join(', ')})) AS h${i}`);
  }
  return exprs;
}

/** Histograms, exact counts of the top-value candidates and of small distinct sets, in one scan. */
async function secondPass(engine: Engine, table: string, columns: Column[], first: FirstPass): Promise<SecondPass> {
  const exprs = columns.flatMap((c, i) => secondPassExprs(c, i, first));
  const [row = {}] = exprs.length ? await engine.rows(`SELECT ${exprs.join(', ')} FROM ${sqlName(table)}`) : [];
  const entries = (i: number): { key: unknown; value: unknown }[] => (row[`h${i}`] as { key: unknown; value: unknown }[] | null) ?? [];
  return {
    bins: first.shapes.map((shape, i) => (shape ? toBins(shape, entries(i)) : null)),
    top: first.candidates.map((values, i) => (values ? toTop(entries(i)) : null)),
    distinct: columns.map((_, i) => {
      if (row[`x${i}`] != null) return Number(row[`x${i}`]);
      return first.candidates[i] && first.estimates[i]! < EXACT_TOP_BELOW ? entries(i).length : undefined;
    }),
  };
}

function toBins(shape: BinShape, entries: { key: unknown; value: unknown }[]): HistogramBin[] {
  const counts = new Array<number>(shape.count).fill(0);
  for (const { key, value } of entries) counts[Number(key)] = Number(value);
  return counts.map((count, k) => ({
    lower: shape.lower + k * shape.width,
    upper: k === shape.count - 1 && shape.count === HISTOGRAM_BINS ? shape.lower + shape.width * shape.count : shape.lower + (k + 1) * shape.width,
    count,
  }));
}

function toTop(entries: { key: unknown; value: unknown }[]): TopValue[] {
  return entries
    .map(({ key, value }) => ({ value: String(key), count: Number(value) }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, TOP_VALUES);
}

async function sampleRowsOf(engine: Engine, from: string, columns: Column[], limit: number): Promise<SampleValue[][]> {
  if (limit <= 0) return [];
  const rows = await engine.rows(`SELECT * FROM ${from} LIMIT ${Math.floor(limit)}`);
  return rows.map((row) => columns.map((c) => sampleValue(row[c.name], c)));
}
