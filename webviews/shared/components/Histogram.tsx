import type { HistogramBin } from '../../../backend/src/protocol/data-profile.js';
import { formatCount, formatStat } from '../format.js';

const WIDTH = 240;
const HEIGHT = 64;
const GAP = 1;

/**
 * Vertical bars of a numeric column's bins, drawn as plain SVG: about 20 rectangles need no chart
 * library, and SVG attributes (unlike inline styles) pass a strict CSP. Each bar's `<title>` is
 * its tooltip: the range and the count.
 */
export function Histogram({ column, bins }: { column: string; bins: readonly HistogramBin[] }) {
  const max = Math.max(1, ...bins.map((b) => b.count));
  const slot = WIDTH / Math.max(1, bins.length);
  const first = bins[0];
  const last = bins.at(-1);
  return (
    <figure className="histogram">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Histogram of ${column}`}>
        {bins.map((bin, i) => {
          const height = bin.count === 0 ? 0 : Math.max(1, (bin.count / max) * HEIGHT);
          return (
            <rect key={i} className="bar" x={i * slot + GAP / 2} y={HEIGHT - height} width={Math.max(0.5, slot - GAP)} height={height}>
              <title>{`${formatStat(bin.lower)} – ${formatStat(bin.upper)}: ${formatCount(bin.count)}`}</title>
            </rect>
          );
        })}
      </svg>
      {first && last && (
        <figcaption className="axis">
          <span>{formatStat(first.lower)}</span>
          <span>{formatStat(last.upper)}</span>
        </figcaption>
      )}
    </figure>
  );
}
