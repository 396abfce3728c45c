import type { FileChange } from '../../backend/src/protocol/data.js';
import { DataTable } from '../shared/components/DataTable.js';
import { formatBytes } from '../shared/format.js';

/** Two single-file versions that are not both tables: whether the bytes changed, with size, format and md5 of each. */
export function FileChanges({ change }: { change: FileChange }) {
  const { before, after } = change;
  return (
    <div className="file-changes">
      <p className="counts">{change.same ? 'The content is identical.' : 'The content differs.'}</p>
      <DataTable
        className="file-change"
        headers={['', 'Size', 'Format', 'md5']}
        rows={[
          ['before', formatBytes(before.size), before.format, <code key="m">{before.md5}</code>],
          ['after', formatBytes(after.size), after.format, <code key="m">{after.md5}</code>],
        ]}
      />
    </div>
  );
}
