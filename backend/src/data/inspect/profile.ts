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

/** Every column's figures and sampled values in one aggregate over `from` (a table or a table function). */
async function scan(engine: Engine, from: string, rate: number): Promise<Scanned> {
  const described = await engine.rows(`DESCRIBE SELECT * FROM ${from}`);
  const columns = described.map((r): Column => ({ name: String(r.column_name), engineType: String(r.column_type), type: columnType(String(r.column_type)) }));
  const exprs = ['count(*) AS n', ...columns.flatMap((c, i) => columnExprs(c, i, rate))];
  const rows = rate < 1 ? `(SELECT *, random() < ${rate} AS ${SAMPLED} FROM ${from})` : from;
  const [stats = {}] = await engine.rows(`SELECT ${exprs.join(', ')} FROM ${rows}`);
  return { columns, stats, rate };
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

/** The column's values set aside for its histogram or top values: all of them, or the sampled rows'. */
function sampled(value: string, c: Column, rate: number): string {
  const col = sqlName(c.name);
  const where = [...(rate < 1 ? [SAMPLED] : []), `${col} IS NOT NULL`, ...(c.type === 'float' ? [`isfinite(${col})`] : [])];
  return `list(${value}) FILTER (WHERE ${where.join(' AND ')})`;
}

function columnExprs(c: Column, i: number, rate: number): string[] {
  const col = sqlName(c.name);
  const distinctOf = c.type === 'other' ? asText(c) : col;
  // Counting distinct values exactly takes a hash table of them all: affordable for a table counted whole.
  const exprs = [`count(${col}) AS n${i}`, rate < 1 ? `approx_count_distinct(${distinctOf}) AS d${i}` : `count(DISTINCT ${distinctOf}) AS x${i}`];
  if (isNumeric(c.type)) {
    exprs.push(`${aggregate('min', c)} AS lo${i}`, `${aggregate('max', c)} AS hi${i}`, `${aggregate('avg', c)} AS mean${i}`, `${aggregate('stddev_samp', c)} AS sd${i}`);
    exprs.push(`${aggregate('count', c)} AS f${i}`, `${sampled(`CAST(${col} AS DOUBLE)`, c, rate)} AS s${i}`);
  } else if (isTemporal(c.type)) {
    exprs.push(`min(${col})::VARCHAR AS lo${i}`, `max(${col})::VARCHAR AS hi${i}`);
  } else if (isCategorical(c.type)) {
    exprs.push(`${sampled(asText(c), c, rate)} AS s${i}`);
  }
  return exprs;
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
    histogram: isNumeric(c.type) ? histogramOf(c, numeric, (stats[`s${i}`] as number[] | null) ?? [], Number(stats[`f${i}`])) : null,
    topValues: isCategorical(c.type) ? topValuesOf((stats[`s${i}`] as string[] | null) ?? [], values) : null,
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
