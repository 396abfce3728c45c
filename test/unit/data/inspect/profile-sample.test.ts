import { describe, expect, it } from 'vitest';
import { histogramOf, scaleCounts, topValuesOf } from '../../../../backend/src/data/inspect/profile-sample.js';

const float = { name: 'x', engineType: 'DOUBLE', type: 'float' as const };
const integer = { name: 'k', engineType: 'BIGINT', type: 'integer' as const };

describe('scaleCounts', () => {
  it('leaves counts of every value as they are', () => {
    expect(scaleCounts([3, 0, 2], 5)).toEqual([3, 0, 2]);
  });
  it('scales sampled counts to add up to the total exactly, largest remainders rounding up', () => {
    expect(scaleCounts([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(scaleCounts([5, 3, 2], 1000)).toEqual([500, 300, 200]);
    const scaled = scaleCounts([7, 13, 1, 0, 29], 123_457);
    expect(scaled.reduce((a, b) => a + b, 0)).toBe(123_457);
    expect(scaled[3]).toBe(0);
  });
});

describe('histogramOf', () => {
  it('bins every value into 20 equal bars over [min, max], the last holding max', () => {
    const values = Array.from({ length: 101 }, (_, i) => i / 10);
    const bins = histogramOf(float, { min: 0, max: 10, mean: 5, std: 1 }, values, values.length)!;
    expect(bins).toHaveLength(20);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(101);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.5, count: 5 });
    expect(bins[19]).toMatchObject({ upper: 10, count: 6 });
  });
  it('gives a narrow integer range one bar per value, and scales a sample to the total', () => {
    const bins = histogramOf(integer, { min: 1, max: 3, mean: 2, std: 1 }, [1, 2, 2, 3], 400)!;
    expect(bins.map((b) => [b.lower, b.count])).toEqual([[1, 100], [2, 200], [3, 100]]);
  });
  it('has no histogram without finite values or without sampled ones', () => {
    expect(histogramOf(float, null, [], 0)).toBeNull();
    expect(histogramOf(float, { min: 0, max: 1, mean: 0.5, std: null }, [], 3)).toBeNull();
  });
});

describe('topValuesOf', () => {
  it('counts values, most frequent first and ties in value order, keeping 10', () => {
    const values = ['b', 'a', 'b', 'c', 'a', 'b', ...'defghijklm'];
    const top = topValuesOf(values, values.length);
    expect(top).toHaveLength(10);
    expect(top.slice(0, 4)).toEqual([{ value: 'b', count: 3 }, { value: 'a', count: 2 }, { value: 'c', count: 1 }, { value: 'd', count: 1 }]);
  });
  it('ranks as a full sort would, on many values with ties', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const values = Array.from({ length: 20_000 }, () => `v${next() % 3000}`);
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 10).map(([value, count]) => ({ value, count }));
    expect(topValuesOf(values, values.length)).toEqual(sorted);
  });
  it('scales sampled counts to the column, never below one', () => {
    expect(topValuesOf(['x', 'x', 'y'], 3000)).toEqual([{ value: 'x', count: 2000 }, { value: 'y', count: 1000 }]);
    expect(topValuesOf([], 0)).toEqual([]);
  });
});
