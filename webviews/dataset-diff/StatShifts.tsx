import type { ColumnSummary, StatShift } from '../../backend/src/protocol/data-diff.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatCount, formatStat } from '../shared/format.js';

/** A mean that moved by at least this many standard deviations is marked. */
export const LARGE_SHIFT = 0.5;

const pair = (before: string, after: string): string => (before === after ? before : `${before} → ${after}`);
const stat = (s: StatShift, pick: (c: ColumnSummary) => number | null): string => pair(formatStat(pick(s.before)), formatStat(pick(s.after)));

function shiftCell(shift: number | null) {
  if (shift === null) return '—';
  const text = `${shift > 0 ? '+' : ''}${formatStat(shift)} σ`;
  return Math.abs(shift) >= LARGE_SHIFT ? <strong className="shift-large">{text}</strong> : text;
}

/** Each column both versions have: its statistics before → after, and how far its mean moved. */
export function StatShifts({ stats }: { stats: readonly StatShift[] }) {
  if (!stats.length) return <p className="empty">No column is in both versions.</p>;
  const rows = stats.map((s) => [
    <strong key="n">{s.name}</strong>,
    pair(s.before.type, s.after.type),
    pair(formatCount(s.before.nullCount), formatCount(s.after.nullCount)),
    pair(formatCount(s.before.distinctEstimate), formatCount(s.after.distinctEstimate)),
    stat(s, (c) => c.min),
    stat(s, (c) => c.max),
    stat(s, (c) => c.mean),
    stat(s, (c) => c.std),
    shiftCell(s.meanShift),
  ]);
  return (
    <DataTable className="stats" headers={['Column', 'Type', 'Nulls', 'Distinct', 'Min', 'Max', 'Mean', 'Std', 'Mean shift']} rows={rows} keys={stats.map((s) => s.name)} />
  );
}
