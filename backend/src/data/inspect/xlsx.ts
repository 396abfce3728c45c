/**
 * Excel workbooks as CSV, so DuckDB profiles and diffs them like any table (its own excel
 * extension is a download away, which this product cannot count on). The first worksheet is read
 * with exceljs's streaming reader, twice: once for the widest row (a cell right of the header gets
 * a `column_N` header rather than being dropped), once to write the CSV.
 */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { MalformedDataError } from './errors.js';

const LABEL = 'Excel workbook';

/** What exceljs hands out for a cell: plain values, or objects for rich text, formulas, links and errors. */
type CellValue = ExcelJS.CellValue;

/** A cell as CSV text: a formula's result, a link's text, rich text joined, a date in ISO form, an error or nothing as empty. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace(/\.000Z$/, 'Z');
  }
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return cellText((value.result ?? null) as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return '';
  if ('text' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as CellValue);
  return ''; // an error value (#N/A, #DIV/0!…): no value
}

/** One CSV field: quoted when it holds a quote, the delimiter, a line break, or edge spaces. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The first worksheet's rows, as arrays of cell values (exceljs's `values` are 1-based and sparse). */
async function* firstSheetRows(path: string): AsyncGenerator<CellValue[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = row.values as CellValue[];
      yield Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => values[i + 1] ?? null);
    }
    return; // the first worksheet only
  }
}

/** Reads the workbook's rows through `use`; a damaged workbook is refused as malformed. */
async function eachRow(path: string, use: (row: CellValue[]) => void | Promise<void>): Promise<void> {
  try {
    for await (const row of firstSheetRows(path)) await use(row);
  } catch (err) {
    if (err instanceof MalformedDataError) throw err;
    throw new MalformedDataError(LABEL, `the workbook cannot be read: ${(err as Error).message}`, { line: 1, byteOffset: 0 });
  }
}

/**
 * Writes the first worksheet of the workbook at `path` as a CSV file at `csvPath`: its first row
 * is the header (blank or missing names become `column_N`), every row as wide as the widest.
 * Refuses a workbook whose first worksheet holds no rows.
 */
export async function xlsxToCsv(path: string, csvPath: string): Promise<void> {
  let width = 0;
  let rows = 0;
  await eachRow(path, (row) => {
    rows += 1;
    width = Math.max(width, row.length);
  });
  if (!rows || !width) throw new MalformedDataError(LABEL, 'its first worksheet is empty', { line: 1, byteOffset: 0 });
  const out = createWriteStream(csvPath);
  const write = async (line: string): Promise<void> => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  let header = true;
  try {
    await eachRow(path, async (row) => {
      const cells = Array.from({ length: width }, (_, i) => cellText(row[i] ?? null));
      const fields = header ? cells.map((name, i) => name.trim() || `column_${i + 1}`) : cells;
      header = false;
      await write(fields.map(csvField).join(','));
    });
  } finally {
    out.end();
    await once(out, 'close');
  }
}
