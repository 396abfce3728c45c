import type { SchemaDiff } from '../../backend/src/protocol/data-diff.js';

/** Columns added, removed and retyped between the two versions. */
export function SchemaChanges({ schema }: { schema: SchemaDiff }) {
  const { added, removed, retyped } = schema;
  if (!added.length && !removed.length && !retyped.length) return <p className="empty">Same columns, same types.</p>;
  return (
    <ul className="schema-changes">
      {added.map((c) => (
        <li key={`+${c.name}`} className="added">
          <span className="sign">+</span> <code>{c.name}</code> <span className="type">{c.engineType}</span>
        </li>
      ))}
      {removed.map((c) => (
        <li key={`-${c.name}`} className="removed">
          <span className="sign">−</span> <code>{c.name}</code> <span className="type">{c.engineType}</span>
        </li>
      ))}
      {retyped.map((c) => (
        <li key={`~${c.name}`} className="retyped">
          <span className="sign">~</span> <code>{c.name}</code> <span className="type">{c.before}</span> → <span className="type">{c.after}</span>
        </li>
      ))}
    </ul>
  );
}
