import type { FolderDiff } from '../../backend/src/protocol/data-diff.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatBytes, formatCount } from '../shared/format.js';

/** Files added, removed and modified between two folder versions (by content hash). */
export function FolderChanges({ diff }: { diff: FolderDiff }) {
  const { added, removed, modified, unchanged } = diff;
  return (
    <div className="folder-changes">
      <p className="counts">
        <span className="added">+{formatCount(added.length)} added</span> · <span className="removed">−{formatCount(removed.length)} removed</span> ·{' '}
        <span className="changed">~{formatCount(modified.length)} modified</span> · {formatCount(unchanged)} unchanged
      </p>
      {added.length > 0 && (
        <section>
          <h2>Added files</h2>
          <DataTable className="added-files" headers={['File', 'Size']} rows={added.map((f) => [f.relpath, formatBytes(f.size)])} />
        </section>
      )}
      {removed.length > 0 && (
        <section>
          <h2>Removed files</h2>
          <DataTable className="removed-files" headers={['File', 'Size']} rows={removed.map((f) => [f.relpath, formatBytes(f.size)])} />
        </section>
      )}
      {modified.length > 0 && (
        <section>
          <h2>Modified files</h2>
          <DataTable
            className="modified-files"
            headers={['File', 'Size before', 'Size after']}
            rows={modified.map((f) => [f.relpath, formatBytes(f.before.size), formatBytes(f.after.size)])}
          />
        </section>
      )}
    </div>
  );
}
