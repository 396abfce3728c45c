import type { Column } from './columns.js';
import type { Row } from './engine.js';
import type { SampleValue } from '../../protocol/data-profile.js';

/** JSON-safe sample values: integers as numbers while exact, NaN and ±inf as text, nested values as JSON text. */
export function sampleValue(value: unknown, c: Column | undefined): SampleValue {
  if (value === null || value === undefined || typeof value === 'boolean') return value ?? null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') {
    const n = Number(value);
    return c?.type === 'integer' && Number.isSafeInteger(n) ? n : value;
  }
  return JSON.stringify(value);
}

/** A row as column name → sample value. */
export function sampleRow(row: Row, columns: readonly Column[]): Record<string, SampleValue> {
  return Object.fromEntries(Object.entries(row).map(([name, v]) => [name, sampleValue(v, columns.find((c) => c.name === name))]));
}
