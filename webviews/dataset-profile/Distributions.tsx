import type { ColumnProfile } from '../../backend/src/protocol/data-profile.js';
import { Histogram } from '../shared/components/Histogram.js';
import { TopValues } from '../shared/components/TopValues.js';

/** A card per column with something to draw: numbers get their histogram, text and booleans their top values. */
export function Distributions({ columns }: { columns: readonly ColumnProfile[] }) {
  const drawable = columns.filter((c) => c.histogram?.length || c.topValues?.length);
  if (!drawable.length) return <p className="empty">No column has values to draw.</p>;
  return (
    <div className="cards">
      {drawable.map((c) => (
        <article key={c.name} className="card" data-column={c.name}>
          <h3>
            {c.name} <span className="type">{c.type}</span>
          </h3>
          {c.histogram?.length ? <Histogram column={c.name} bins={c.histogram} /> : <TopValues column={c.name} values={c.topValues ?? []} />}
        </article>
      ))}
    </div>
  );
}
