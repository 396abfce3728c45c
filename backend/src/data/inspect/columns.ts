import { sqlName, type Engine } from './engine.js';
import type { ColumnType } from '../../protocol/data-profile.js';

/** A table column as DuckDB types it, and what kind of statistics it gets. */
export interface Column {
  name: string;
  engineType: string;
  type: ColumnType;
}

const INTEGER = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$/;

export function columnType(engineType: string): ColumnType {
  if (INTEGER.test(engineType)) return 'integer';
  if (engineType === 'FLOAT' || engineType === 'DOUBLE') return 'float';
  if (engineType.startsWith('DECIMAL')) return 'decimal';
  if (engineType === 'BOOLEAN') return 'boolean';
  if (engineType === 'DATE') return 'date';
  if (engineType.startsWith('TIMESTAMP')) return 'timestamp';
  if (engineType.startsWith('TIME')) return 'time';
  if (engineType === 'VARCHAR' || engineType === 'UUID') return 'string';
  return 'other';
}

export const isNumeric = (t: ColumnType): boolean => t === 'integer' || t === 'float' || t === 'decimal';
export const isTemporal = (t: ColumnType): boolean => t === 'date' || t === 'timestamp' || t === 'time';
export const isCategorical = (t: ColumnType): boolean => t === 'string' || t === 'boolean';

export async function tableColumns(engine: Engine, table: string): Promise<Column[]> {
  const rows = await engine.rows(`DESCRIBE ${sqlName(table)}`);
  return rows.map((r) => {
    const engineType = String(r.column_type);
    return { name: String(r.column_name), engineType, type: columnType(engineType) };
  });
}
