import { open } from 'node:fs/promises';
import { columnType, isCategorical, isNumeric, isTemporal, type Column } from './columns.js';
import { sqlName, withEngine, type Engine, type EngineOptions, type Row } from './engine.js';
import type { DetectedFormat } from './formats.js';
import { loadTable, readCsv } from './load.js';
import type { ColumnProfile, NumericStats, Profile, SampleValue } from '../../protocol/data-profile.js';
import { histogramOf, topValuesOf } from './profile-sample.js';
import { sampleValue } from './sample.js';

export { HISTOGRAM_BINS, TOP_VALUES } from './profile-sample.js';

export interface ProfileOptions extends EngineOptions {
  /** Rows in the sample; 20 by default. */
  sampleRows?: number;
}

/**
 * Rows set aside for histograms and top values. A table with about this many rows or fewer is
 * counted whole (every figure exact); a larger one contributes a random sample of about this
 * many rows, whose counts are scaled to the table (within a few per cent for any bar or value
 * holding more than 1% of the rows).
 */
export const SAMPLE_TARGET = 100_000;
/** Marks the rows of the sample inside the scan; a name no file is likely to use. */
const SAMPLED = sqlName('__mlwb_sampled');

/**
 * Profiles a tabular file with DuckDB in one pass: a CSV/TSV is aggregated straight from the file
 * (no table is built), other formats are loaded into a table and scanned once. The first rows
 * are read again from the file, in order, for the sample.
 */
export function profileFile(path: string, detected: DetectedFormat, options: ProfileOptions = {}): Promise<Profile> {
  const sampleRows = options.sampleRows ?? 20;
  return withEngine(options, async (engine) => {
    if (detected.format === 'csv' || detected.format === 'tsv') {
      const rate = sampleRate(await estimateCsvRows(path));
      let scanned: Scanned | undefined;
      const source = await readCsv(engine, 'data', path, detected, async (from) => {
        scanned = await scan(engine, from, rate);
      });
      return toProfile(engine, scanned!, detected.format, sampleRows, source);
    }
    // Loading in any order is about a quarter faster; the sample is read from the file, in order.
    await engine.run('SET preserve_insertion_order = false');
    const source = await loadTable(engine, 'data', path, detected);
    await engine.run('SET preserve_insertion_order = true');
    return profileTable(engine, 'data', detected.format, sampleRows, source);
  });
}

/** Profiles a loaded table; the sample comes from `sampleSource` (a table function) when given, else from the table. */
export async function profileTable(engine: Engine, table: string, format: string, sampleRows: number, sampleSource?: string): Promise<Profile> {
  const [counted = {}] = await engine.rows(`SELECT count(*) AS n FROM ${sqlName(table)}`);
  const scanned = await scan(engine, sqlName(table), sampleRate(Number(counted.n)));
  return toProfile(engine, scanned, format, sampleRows, sampleSource ?? sqlName(table));
}

function sampleRate(rows: number): number {
  return rows <= SAMPLE_TARGET ? 1 : SAMPLE_TARGET / rows;
}

/** Rows in a CSV, estimated from the length of the lines in its first MiB. */
async function estimateCsvRows(path: string): Promise<number> {
  const file = await open(path);
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(Math.min(size, 1024 * 1024));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    let lines = 0;
    for (let at = head.indexOf(10); at !== -1 && at < bytesRead; at = head.indexOf(10, at + 1)) lines++;
    return bytesRead === size ? lines + 1 : Math.ceil((size / bytesRead) * Math.max(lines, 1));
  } finally {
    await file.close();
  }
}

interface Scanned {
  columns: Column[];
  stats: Row;
  /** Below 1 when histograms and top values come from a random sample of the rows. */
  rate: number;
}

/**
 * Every column's figures and set-aside values in one aggregate over `from` (a table or a table
 * function). Each float is projected once to its finite values (NaN and ±inf would make every
 * moment meaningless) and the set-aside values travel as one list of rows with one filter: per
 * aggregate filters cost more than the aggregates.
 */
async function scan(engine: Engine, from: string, rate: number): Promise<Scanned> {
  const described = await engine.rows(`DESCRIBE SELECT * FROM ${from}`);
  const columns = described.map((r): Column => ({ name: String(r.column_name), engineType: String(r.column_type), type: columnType(String(r.column_type)) }));
  const finite = columns.flatMap((c, i) => (c.type === 'float' ? [`CASE WHEN isfinite(${sqlName(c.name)}) THEN ${sqlName(c.name)} END AS ${finiteName(i)}`] : []));
  const kept = columns.flatMap((c, i) => (isNumeric(c.type) ? [`'s${i}': CAST(${valueOf(c, i)} AS DOUBLE)`] : isCategorical(c.type) ? [`'s${i}': ${asText(c)}`] : []));
  const exprs = ['count(*) AS n', ...columns.flatMap((c, i) => columnExprs(c, i, rate))];
  if (kept.length) exprs.push(`list({${kept.join(', ')}})${rate < 1 ? ` FILTER (WHERE ${SAMPLED})` : ''} AS kept`);
  const projected = [...finite, ...(rate < 1 ? [`random() < ${rate} AS ${SAMPLED}`] : [])];
  const rows = projected.length ? `(SELECT *, ${projected.join(', ')} FROM ${from})` : from;
  const [stats = {}] = await engine.rows(`SELECT ${exprs.join(', ')} FROM ${rows}`);
  return { columns, stats, rate };
}

const finiteName = (i: number): string => sqlName(`__mlwb_finite_${i}`);

/** What a column's figures are taken over: a float's finite values, any other column's values. */
function valueOf(c: Column, i: number): string {
  return c.type === 'float' ? finiteName(i) : sqlName(c.name);
}

/** The column as text where it is not already (booleans, UUIDs, other types), for top values and distinct counts. */
function asText(c: Column): string {
  return c.engineType === 'VARCHAR' ? sqlName(c.name) : `CAST(${sqlName(c.name)} AS VARCHAR)`;
}

function columnExprs(c: Column, i: number, rate: number): string[] {
  const col = sqlName(c.name);
  const distinctOf = c.type === 'other' ? asText(c) : col;
  // Counting distinct values exactly takes a hash table of them all: affordable for a table counted whole.
  const exprs = [`count(${col}) AS n${i}`, rate < 1 ? `approx_count_distinct(${distinctOf}) AS d${i}` : `count(DISTINCT ${distinctOf}) AS x${i}`];
  if (isNumeric(c.type)) {
    const v = valueOf(c, i);
    exprs.push(`CAST(min(${v}) AS DOUBLE) AS lo${i}`, `CAST(max(${v}) AS DOUBLE) AS hi${i}`, `CAST(avg(${v}) AS DOUBLE) AS mean${i}`);
    exprs.push(`CAST(stddev_samp(${v}) AS DOUBLE) AS sd${i}`, `count(${v}) AS f${i}`);
  } else if (isTemporal(c.type)) {
    exprs.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
  }
  return exprs;
}

/** Column `i`'s non-null set-aside values. */
function keptValues<T>(stats: Row, i: number): T[] {
  const rows = (stats.kept as Record<string, T | null>[] | null) ?? [];
  return rows.map((r) => r[`s${i}`]).filter((v): v is T => v != null);
}

function numericStats(stats: Row, i: number): NumericStats | null {
  if (stats[`lo${i}`] == null) return null;
  const std = stats[`sd${i}`];
  return { min: Number(stats[`lo${i}`]), max: Number(stats[`hi${i}`]), mean: Number(stats[`mean${i}`]), std: std == null ? null : Number(std) };
}

function columnProfile(c: Column, i: number, stats: Row, rowCount: number): ColumnProfile {
  const values = Number(stats[`n${i}`]);
  const numeric = isNumeric(c.type) ? numericStats(stats, i) : null;
  const exact = stats[`x${i}`] != null;
  return {
    name: c.name,
    type: c.type,
    engineType: c.engineType,
    nullCount: rowCount - values,
    distinctEstimate: Number(exact ? stats[`x${i}`] : stats[`d${i}`]),
    distinctExact: exact,
    numeric,
    range: isTemporal(c.type) && stats[`lo${i}`] != null ? { min: String(stats[`lo${i}`]), max: String(stats[`hi${i}`]) } : null,
    histogram: isNumeric(c.type) ? histogramOf(c, numeric, keptValues<number>(stats, i), Number(stats[`f${i}`])) : null,
    topValues: isCategorical(c.type) ? topValuesOf(keptValues<string>(stats, i), values) : null,
  };
}

async function toProfile(engine: Engine, scanned: Scanned, format: string, sampleRows: number, sampleFrom: string): Promise<Profile> {
  const rowCount = Number(scanned.stats.n);
  return {
    version: 1,
    format,
    rowCount,
    columns: scanned.columns.map((c, i) => columnProfile(c, i, scanned.stats, rowCount)),
    sample: await sampleRowsOf(engine, sampleFrom, scanned.columns, sampleRows),
    ...(scanned.rate < 1 ? { approximate: true } : {}),
  };
}

async function sampleRowsOf(engine: Engine, from: string, columns: Column[], limit: number): Promise<SampleValue[][]> {
  if (limit <= 0) return [];
  const rows = await engine.rows(`SELECT * FROM ${from} LIMIT ${Math.floor(limit)}`);
  return rows.map((row) => columns.map((c) => sampleValue(row[c.name], c)));
}
