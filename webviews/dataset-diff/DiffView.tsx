import type { TabularDiff } from '../../backend/src/protocol/data-diff.js';
import type { DiffState } from '../shared/messages.js';
import { VersionLine } from '../shared/components/VersionLine.js';
import { formatCount } from '../shared/format.js';
import { FileChanges } from './FileChanges.js';
import { FolderChanges } from './FolderChanges.js';
import { RowChanges } from './RowChanges.js';
import { SchemaChanges } from './SchemaChanges.js';
import { StatShifts } from './StatShifts.js';

function TabularChanges({ diff }: { diff: TabularDiff }) {
  const { before, after } = diff.rowCount;
  const delta = after - before;
  return (
    <>
      <p className="counts">
        Rows: <strong>{formatCount(before)}</strong> → <strong>{formatCount(after)}</strong> ({delta >= 0 ? '+' : '−'}
        {formatCount(Math.abs(delta))})
      </p>
      <section>
        <h2>Schema</h2>
        <SchemaChanges schema={diff.schema} />
      </section>
      <section>
        <h2>Rows</h2>
        <RowChanges rows={diff.rows} />
      </section>
      <section>
        <h2>Column statistics</h2>
        <StatShifts stats={diff.stats} />
      </section>
    </>
  );
}

/** Two versions side by side: what changed in their schema, rows and statistics, in their files, or in their bytes. */
export function DiffView({ state }: { state: DiffState }) {
  const { before, after, diff } = state;
  return (
    <main className="diff">
      <header>
        <h1>
          {before.ref} → {after.ref}
        </h1>
        <div className="versions">
          <div><span className="side">before</span> <VersionLine version={before} /></div>
          <div><span className="side">after</span> <VersionLine version={after} /></div>
        </div>
      </header>
      {diff.kind === 'tabular' && <TabularChanges diff={diff.diff} />}
      {diff.kind === 'folder' && <FolderChanges diff={diff.diff} />}
      {diff.kind === 'file' && <FileChanges change={diff.diff} />}
    </main>
  );
}
