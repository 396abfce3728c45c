import { VscodeBadge } from '../shared/elements.js';
import type { ChangedRow, RowDiff, SampleRow } from '../../backend/src/protocol/data-diff.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatCell, formatCount } from '../shared/format.js';

function rowsTable(rows: readonly SampleRow[], className: string) {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return <DataTable className={className} headers={headers} rows={rows.map((r) => headers.map((h) => formatCell(r[h] ?? null)))} />;
}

function changedTable(rows: readonly ChangedRow[]) {
  const cells = rows.flatMap((r) =>
    r.columns.map((col) => [formatCell(r.key), col, formatCell(r.before[col] ?? null), formatCell(r.after[col] ?? null)]),
  );
  return <DataTable className="changed" headers={['Key', 'Column', 'Before', 'After']} rows={cells} />;
}

function howCompared(rows: RowDiff): string {
  return rows.mode === 'key'
    ? `Rows matched by the key column “${rows.key ?? ''}”.`
    : 'Rows compared whole (by hash) over the columns both versions have: a changed row counts as one removed and one added.';
}

/** How many rows were added, removed, changed and kept, with samples of each. */
export function RowChanges({ rows }: { rows: RowDiff }) {
  const { samples } = rows;
  return (
    <div className="row-changes">
      <p className="counts">
        <span className="added"><VscodeBadge>+{formatCount(rows.added)}</VscodeBadge> added</span>{' '}
        <span className="removed"><VscodeBadge>−{formatCount(rows.removed)}</VscodeBadge> removed</span>{' '}
        {rows.changed !== null && (
          <span className="changed"><VscodeBadge>~{formatCount(rows.changed)}</VscodeBadge> changed</span>
        )}{' '}
        <span className="unchanged"><VscodeBadge>{formatCount(rows.unchanged)}</VscodeBadge> unchanged</span>
      </p>
      <p className="hint">{howCompared(rows)}</p>
      {samples.added.length > 0 && (
        <>
          <h3>Added rows (sample)</h3>
          {rowsTable(samples.added, 'added-rows')}
        </>
      )}
      {samples.removed.length > 0 && (
        <>
          <h3>Removed rows (sample)</h3>
          {rowsTable(samples.removed, 'removed-rows')}
        </>
      )}
      {samples.changed.length > 0 && (
        <>
          <h3>Changed rows (sample)</h3>
          {changedTable(samples.changed)}
        </>
      )}
    </div>
  );
}
