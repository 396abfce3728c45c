import type { TopValue } from '../../../backend/src/protocol/data-profile.js';
import { formatCount } from '../format.js';

const WIDTH = 240;
const ROW = 14;
const LABEL = 96;

/** The most frequent values of a text or boolean column as horizontal bars, most frequent on top (plain SVG, as `Histogram`). */
export function TopValues({ column, values }: { column: string; values: readonly TopValue[] }) {
  const max = Math.max(1, ...values.map((v) => v.count));
  const barSpace = WIDTH - LABEL - 40;
  return (
    <svg className="top-values" viewBox={`0 0 ${WIDTH} ${values.length * ROW}`} role="img" aria-label={`Most frequent values of ${column}`}>
      {values.map((v, i) => (
        <g key={i} transform={`translate(0 ${i * ROW})`}>
          <title>{`${v.value}: ${formatCount(v.count)}`}</title>
          <text className="label" x={LABEL - 4} y={ROW - 4} textAnchor="end">
            {v.value.length > 14 ? `${v.value.slice(0, 13)}…` : v.value}
          </text>
          <rect className="bar" x={LABEL} y={2} width={Math.max(1, (v.count / max) * barSpace)} height={ROW - 4} />
          <text className="count" x={LABEL + Math.max(1, (v.count / max) * barSpace) + 4} y={ROW - 4}>
            {formatCount(v.count)}
          </text>
        </g>
      ))}
    </svg>
  );
}
