import type { Profile } from '../../backend/src/protocol/data-profile.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatCell } from '../shared/format.js';

/** The first rows of the version, as stored with its profile. */
export function SampleTable({ profile }: { profile: Profile }) {
  if (!profile.sample.length) return <p className="empty">The table has no rows.</p>;
  const rows = profile.sample.map((row) => row.map((v, i) => <span key={i} className={v === null ? 'null' : undefined}>{formatCell(v)}</span>));
  return <DataTable className="sample" headers={profile.columns.map((c) => c.name)} rows={rows} />;
}
