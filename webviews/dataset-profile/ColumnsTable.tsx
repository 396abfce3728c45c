import type { ColumnProfile } from '../../backend/src/protocol/data-profile.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatCount, formatPercent, formatStat } from '../shared/format.js';

export const COLUMN_HEADERS = ['Column', 'Type', 'Nulls', 'Min', 'Max', 'Mean', 'Std', 'Distinct', 'Top values'] as const;

function bounds(column: ColumnProfile): [string, string] {
  if (column.numeric) return [formatStat(column.numeric.min), formatStat(column.numeric.max)];
  if (column.range) return [column.range.min, column.range.max];
  return ['—', '—'];
}

function topValues(column: ColumnProfile): string {
  if (!column.topValues?.length) return '—';
  return column.topValues.slice(0, 3).map((v) => `${v.value} (${formatCount(v.count)})`).join(', ');
}

/** One row per column: its inferred type and statistics. */
export function ColumnsTable({ columns, rowCount }: { columns: readonly ColumnProfile[]; rowCount: number }) {
  const rows = columns.map((c) => {
    const [min, max] = bounds(c);
    return [
      <strong key="n">{c.name}</strong>,
      <span key="t" className="type" title={c.engineType}>{c.type}</span>,
      `${formatCount(c.nullCount)} (${formatPercent(c.nullCount, rowCount)})`,
      min,
      max,
      formatStat(c.numeric?.mean),
      formatStat(c.numeric?.std),
      `${c.distinctExact ? '' : '≈ '}${formatCount(c.distinctEstimate)}`,
      topValues(c),
    ];
  });
  return <DataTable className="columns" headers={COLUMN_HEADERS} rows={rows} keys={columns.map((c) => c.name)} />;
}
