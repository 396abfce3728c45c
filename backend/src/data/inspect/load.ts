import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlName, sqlString, type Engine, type Row } from './engine.js';
import { MalformedDataError, UnsupportedFormatError } from './errors.js';
import { FORMATS, type DetectedFormat } from './formats.js';
import { validateFile } from './validate.js';
import { xlsxToCsv } from './xlsx.js';

/**
 * Loads a tabular file into a DuckDB table, parsing it once; profiling and diffing then scan the
 * table, not the file. A file DuckDB refuses is re-checked by our validator, which names the
 * line and byte; what DuckDB alone refuses is reported with DuckDB's words.
 */
/** Returns the table function that read the file, e.g. to read its first rows in file order. */
export async function loadTable(engine: Engine, table: string, path: string, detected: DetectedFormat): Promise<string> {
  switch (detected.format) {
    case 'csv':
    case 'tsv':
      return loadCsv(engine, table, path, detected);
    case 'parquet':
      return create(engine, table, `read_parquet(${sqlString(path)})`, path, detected);
    case 'jsonl':
    case 'json':
      return loadJson(engine, table, path, detected);
    case 'xlsx':
      return loadXlsx(engine, table, path);
    default:
      throw new UnsupportedFormatError(`${FORMATS[detected.format].label} is not tabular`, detected.mediaType);
  }
}

async function create(engine: Engine, table: string, source: string, path: string, detected: DetectedFormat): Promise<string> {
  try {
    await engine.run(`CREATE TABLE ${sqlName(table)} AS SELECT * FROM ${source}`);
    return source;
  } catch (e) {
    throw await refusal(e as Error, path, detected);
  }
}

/**
 * JSON and JSON Lines: DuckDB infers the columns from a sample of records; when a later record
 * does not fit, read again with every record as the sample (a second pass, only then).
 */
async function loadJson(engine: Engine, table: string, path: string, detected: DetectedFormat): Promise<string> {
  const format = detected.format === 'jsonl' ? 'newline_delimited' : 'auto';
  const source = `read_json(${sqlString(path)}, format = '${format}')`;
  try {
    await engine.run(`CREATE TABLE ${sqlName(table)} AS SELECT * FROM ${source}`);
    return source;
  } catch {
    return create(engine, table, `read_json(${sqlString(path)}, format = '${format}', sample_size = -1)`, path, detected);
  }
}

/** The CSV an Excel worksheet is written as (see xlsx.ts). */
const SHEET_CSV: DetectedFormat = { format: 'csv', mediaType: FORMATS.csv.mediaType, tabular: true, delimiter: ',' };

/**
 * Excel: the first worksheet, written to a temporary CSV that is loaded (in row order, as the
 * sample is read from the table: the CSV is gone by then) and removed. Its first row is the header.
 */
async function loadXlsx(engine: Engine, table: string, path: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwb-xlsx-'));
  try {
    const csv = join(dir, 'sheet.csv');
    await xlsxToCsv(path, csv);
    await engine.run('SET preserve_insertion_order = true');
    await readCsv(engine, table, csv, SHEET_CSV, (source) => engine.run(`DROP TABLE IF EXISTS ${sqlName(table)}; CREATE TABLE ${sqlName(table)} AS SELECT * FROM ${source}`), { header: true });
    return sqlName(table);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Our validator's error when it finds one (it names line and byte), else DuckDB's message. */
async function refusal(error: Error, path: string, detected: DetectedFormat, line = 1, byteOffset = 0): Promise<Error> {
  await validateFile(path, detected).catch((e: unknown) => {
    if (!(e instanceof MalformedDataError)) throw e;
    error = e;
  });
  if (error instanceof MalformedDataError) return error;
  const firstLine = error.message.split('\n')[0]!;
  return new MalformedDataError(FORMATS[detected.format].label, firstLine, { line, byteOffset });
}

interface SniffedColumn {
  name: string;
  type: string;
}

/**
 * CSV in one pass with the dialect we detected: DuckDB sniffs the header and the column types
 * from a sample, rows it cannot read go to a rejects table instead of failing the load, and a
 * column whose later values do not fit the sampled type is re-read as text.
 */
async function loadCsv(engine: Engine, table: string, path: string, detected: DetectedFormat): Promise<string> {
  return readCsv(engine, table, path, detected, (source) => engine.run(`DROP TABLE IF EXISTS ${sqlName(table)}; CREATE TABLE ${sqlName(table)} AS SELECT * FROM ${source}`));
}

/**
 * Reads a CSV/TSV once through `use`, which gets a `read_csv(...)` table function (with the
 * sniffed header, types and date formats, strict, rejected rows set aside under `<name>_rejects`):
 * loading it into a table, or aggregating it straight from the file. When a column's later
 * values do not fit its sniffed type, `use` runs again with that column as text (it must be
 * repeatable); a structural reject is refused with our validator's line and byte. Returns the
 * table function without the rejects options, e.g. to read the first rows in file order.
 */
export async function readCsv(
  engine: Engine,
  name: string,
  path: string,
  detected: DetectedFormat,
  use: (source: string) => Promise<void>,
  /** `header`: whether the first row names the columns (default: as DuckDB's sniffer decides). */
  options: { header?: boolean } = {},
): Promise<string> {
  const dialect = `delim = ${sqlString(detected.delimiter ?? ',')}, quote = '"', escape = '"'`;
  let sniffed: Row;
  try {
    [sniffed = {}] = await engine.rows(`SELECT HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(${sqlString(path)}, ${dialect})`);
  } catch (e) {
    throw await refusal(e as Error, path, detected);
  }
  const columns = sniffed.Columns as SniffedColumn[];
  // Dates the sniffer read in a non-ISO format (e.g. 31/12/2024) keep that format.
  const formats = [['dateformat', sniffed.DateFormat], ['timestampformat', sniffed.TimestampFormat]]
    .filter(([, f]) => typeof f === 'string' && f)
    .map(([option, f]) => `, ${option} = ${sqlString(String(f))}`)
    .join('');
  const asText = new Set<string>();
  const rejects = `${name}_rejects`;
  const scans = `${name}_reject_scans`;
  for (;;) {
    const types = columns.map((c) => `${sqlString(c.name)}: ${sqlString(asText.has(c.name) ? 'VARCHAR' : c.type)}`).join(', ');
    const read = `read_csv(${sqlString(path)}, auto_detect = false, ${dialect}, header = ${options.header ?? sniffed.HasHeader === true}${formats}, columns = {${types}}`;
    try {
      await use(`${read}, store_rejects = true, rejects_table = ${sqlString(rejects)}, rejects_scan = ${sqlString(scans)})`);
    } catch (e) {
      throw await refusal(e as Error, path, detected);
    }
    const rejected = await engine.rows(`SELECT error_type, error_message, column_name, line, line_byte_position FROM ${sqlName(rejects)} ORDER BY line`);
    if (!rejected.length) return `${read})`;
    const structural = rejected.find((r) => r.error_type !== 'CAST');
    const miscast = rejected.map((r) => String(r.column_name)).filter((name) => !asText.has(name));
    if (structural || !miscast.length) {
      const first = structural ?? rejected[0]!;
      throw await refusal(new Error(`${String(first.error_type)}: ${String(first.error_message)}`), path, detected, Number(first.line), Number(first.line_byte_position));
    }
    for (const name of miscast) asText.add(name);
    await engine.run(`DROP TABLE ${sqlName(rejects)}; DROP TABLE ${sqlName(scans)}`);
  }
}
