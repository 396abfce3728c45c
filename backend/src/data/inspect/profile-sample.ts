import type { Column } from './columns.js';
import type { HistogramBin, NumericStats, TopValue } from '../../protocol/data-profile.js';

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;

/**
 * Histograms and top values come from the rows the profile's single scan set aside: every row
 * of a small table, a random sample of a large one. Sampled counts are scaled to the column's
 * real number of values, so bars still add up to it.
 */

interface BinShape {
  lower: number;
  width: number;
  count: number;
}

/** 20 equal bins over [min, max]; one bin per value for integers spanning fewer than 20 values. */
function binShape(c: Column, stats: NumericStats): BinShape {
  const span = stats.max - stats.min;
  if (span === 0) return { lower: stats.min, width: 1, count: 1 };
  if (c.type === 'integer' && span < HISTOGRAM_BINS) return { lower: stats.min, width: 1, count: span + 1 };
  return { lower: stats.min, width: span / HISTOGRAM_BINS, count: HISTOGRAM_BINS };
}

/** `counts` scaled to add up to `total` exactly (largest remainders round up); unchanged when they already do. */
export function scaleCounts(counts: number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === total || sum === 0) return counts;
  const exact = counts.map((c) => (c * total) / sum);
  const scaled = exact.map(Math.floor);
  let left = total - scaled.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, k) => ({ k, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  for (const { k } of byRemainder) {
    if (left-- <= 0) break;
    scaled[k]!++;
  }
  return scaled;
}

/**
 * The histogram of a numeric column from its sampled finite values, scaled to `total` (its
 * finite values); null when the column has none, or when none were sampled (too few to draw).
 */
export function histogramOf(c: Column, stats: NumericStats | null, sampled: number[], total: number): HistogramBin[] | null {
  if (!stats || !sampled.length) return null;
  const shape = binShape(c, stats);
  const counts = new Array<number>(shape.count).fill(0);
  for (const v of sampled) counts[Math.max(0, Math.min(Math.floor((v - shape.lower) / shape.width), shape.count - 1))]!++;
  return scaleCounts(counts, total).map((count, k) => ({
    lower: shape.lower + k * shape.width,
    upper: k === shape.count - 1 && shape.count === HISTOGRAM_BINS ? stats.max : shape.lower + (k + 1) * shape.width,
    count,
  }));
}

/** Whether `a` ranks before `b` among top values: more frequent, then smaller in value order. */
const ranksBefore = (a: TopValue, b: TopValue): boolean => a.count > b.count || (a.count === b.count && a.value < b.value);

/**
 * The 10 most frequent of the sampled values, most frequent first (ties in value order), counts
 * scaled to `total` values. Kept in one pass over the counts (a sample of a high-cardinality
 * column holds about as many values as rows: sorting them all cost more than the rest of it).
 */
export function topValuesOf(sampled: string[], total: number): TopValue[] {
  const counts = new Map<string, number>();
  for (const v of sampled) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top: TopValue[] = [];
  for (const [value, count] of counts) {
    const candidate = { value, count };
    if (top.length === TOP_VALUES && !ranksBefore(candidate, top[TOP_VALUES - 1]!)) continue;
    let at = top.length;
    while (at > 0 && ranksBefore(candidate, top[at - 1]!)) at--;
    top.splice(at, 0, candidate);
    if (top.length > TOP_VALUES) top.pop();
  }
  const scale = sampled.length ? total / sampled.length : 1;
  return top.map(({ value, count }) => ({ value, count: Math.max(1, Math.round(count * scale)) }));
}
