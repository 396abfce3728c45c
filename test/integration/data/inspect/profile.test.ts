import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../../backend/src/data/inspect/detect.js';
import { withEngine } from '../../../../backend/src/data/inspect/engine.js';
import { MalformedDataError } from '../../../../backend/src/data/inspect/errors.js';
import { profileFile } from '../../../../backend/src/data/inspect/profile.js';
import { Profile } from '../../../../backend/src/protocol/data-profile.js';
import { TempDir, workbook, xlsx } from '../../../unit/data/inspect/builders.js';

const dir = new TempDir();
afterAll(() => dir.remove());

interface Person {
  id: number;
  name: string | null;
  city: string | null;
  score: number | null;
  joined: string | null;
  active: boolean | null;
}

const CITIES = ['Paris', 'São Paulo', 'New York, NY', 'Berlin'];
/** 30 people; every 4th score, every 5th city, every 7th join date is missing; names carry commas, quotes and a line break. */
const people: Person[] = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  name: i === 9 ? null : i % 3 === 0 ? `Doe, "J${i}"` : i === 4 ? 'two\nlines' : `P${i % 6}`,
  city: i % 5 === 0 ? null : CITIES[i % CITIES.length]!,
  score: i % 4 === 0 ? null : Math.round(((i * 37) % 101) * 1.5 * 100) / 100,
  joined: i % 7 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
  active: i % 11 === 0 ? null : i % 2 === 0,
}));

const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const csv = ['id,name,city,score,joined,active', ...people.map((p) => [p.id, p.name, p.city, p.score, p.joined, p.active].map((v) => (v === null ? '' : quote(String(v)))).join(','))].join('\n') + '\n';

/** What the profile should say, computed here in plain TypeScript. */
function expectedNumbers(values: number[]): { min: number; max: number; mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return { min: Math.min(...values), max: Math.max(...values), mean, std };
}

function expectedTop(values: string[]): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
    .slice(0, 10);
}

describe('profileFile', () => {
  it('profiles a CSV with nulls and quoted fields exactly', async () => {
    const path = dir.write('people.csv', csv);
    const profile = Profile.parse(await profileFile(path, await detectFormat(path), { threads: 1 }));
    expect(profile.rowCount).toBe(30);
    expect(profile.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['name', 'string'],
      ['city', 'string'],
      ['score', 'float'],
      ['joined', 'date'],
      ['active', 'boolean'],
    ]);
    const col = (name: string) => profile.columns.find((c) => c.name === name)!;

    const scores = people.map((p) => p.score).filter((s): s is number => s !== null);
    const want = expectedNumbers(scores);
    const score = col('score');
    expect(score.nullCount).toBe(30 - scores.length);
    expect(score.numeric!.min).toBe(want.min);
    expect(score.numeric!.max).toBe(want.max);
    expect(score.numeric!.mean).toBeCloseTo(want.mean, 9);
    expect(score.numeric!.std).toBeCloseTo(want.std, 9);
    expect(score.distinctEstimate).toBe(new Set(scores).size);
    expect(score.distinctExact).toBe(true);
    const width = (want.max - want.min) / 20;
    const bins = new Array<number>(20).fill(0);
    for (const s of scores) bins[Math.min(Math.floor((s - want.min) / width), 19)]!++;
    expect(score.histogram!.map((b) => b.count)).toEqual(bins);
    expect(score.histogram![0]!.lower).toBe(want.min);
    expect(score.histogram![19]!.upper).toBeCloseTo(want.max, 9);

    // ids 1..30 span more than 20 values: 20 bins of 1.45
    expect(col('id').numeric).toMatchObject({ min: 1, max: 30, mean: 15.5 });
    expect(col('id').histogram!.reduce((a, b) => a + b.count, 0)).toBe(30);

    const names = people.map((p) => p.name).filter((n): n is string => n !== null);
    expect(col('name').nullCount).toBe(1);
    expect(col('name').topValues).toEqual(expectedTop(names));
    expect(col('name').distinctEstimate).toBe(new Set(names).size);
    const cities = people.map((p) => p.city).filter((c): c is string => c !== null);
    expect(col('city').topValues).toEqual(expectedTop(cities));
    expect(col('city').nullCount).toBe(6);

    const dates = people.map((p) => p.joined).filter((d): d is string => d !== null).sort();
    expect(col('joined').range).toEqual({ min: dates[0], max: dates.at(-1) });
    expect(col('joined').nullCount).toBe(30 - dates.length);
    const flags = people.map((p) => p.active).filter((a): a is boolean => a !== null).map(String);
    expect(col('active').topValues).toEqual(expectedTop(flags));

    expect(profile.sample).toHaveLength(20);
    expect(profile.sample[4]).toEqual([5, 'two\nlines', 'Paris', people[4]!.score, people[4]!.joined, people[4]!.active]);
    expect(profile.sample[0]).toEqual([1, 'Doe, "J0"', null, null, null, null]);
  });

  it('re-reads a column as text when values past the sniffed sample do not fit its type', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `${i},${i * 2}`);
    const path = dir.write('late.csv', `id,code\n${rows.join('\n')}\n25000,n/a\n`);
    const profile = await profileFile(path, await detectFormat(path), { threads: 2 });
    expect(profile.rowCount).toBe(25_001);
    expect(profile.columns.map((c) => c.type)).toEqual(['integer', 'string']);
    // Loaded in any order, sampled in file order.
    expect(profile.sample.map((r) => r[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(profile.sample[19]).toEqual([19, '38']);
  });

  it.each([
    { what: 'a ragged row', content: Buffer.from('a,b\n1,2\n3,4\n5,6,7\n'), line: 4, byteOffset: 12 },
    { what: 'an unterminated quote', content: Buffer.from('a,b\n1,2\n3,"open\n5,6\n'), line: 3, byteOffset: 10 },
    { what: 'invalid UTF-8', content: Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), line: 3, byteOffset: 10 },
  ])('refuses a CSV with $what, naming the line and byte our validator finds', async ({ content, line, byteOffset }) => {
    const path = dir.write('malformed.csv', content);
    const err = await profileFile(path, await detectFormat(path), { threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedDataError);
    expect((err as MalformedDataError).position).toEqual({ line, byteOffset });
  });

  it('profiles Parquet written by DuckDB, and JSON Lines', async () => {
    const parquet = `${dir.path}/people.parquet`;
    const source = dir.write('people-src.csv', csv);
    await withEngine({ threads: 1 }, (e) => e.run(`COPY (SELECT * FROM read_csv('${source}')) TO '${parquet}' (FORMAT parquet)`));
    const detected = await detectFormat(parquet);
    expect(detected).toEqual({ format: 'parquet', mediaType: 'application/vnd.apache.parquet', tabular: true });
    const fromParquet = await profileFile(parquet, detected, { threads: 1 });
    const fromCsv = await profileFile(source, await detectFormat(source), { threads: 1 });
    expect({ ...fromParquet, format: 'csv' }).toEqual(fromCsv);

    const jsonl = dir.write('people.jsonl', people.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const fromJsonl = await profileFile(jsonl, await detectFormat(jsonl), { threads: 1 });
    expect(fromJsonl.rowCount).toBe(30);
    expect(fromJsonl.columns.find((c) => c.name === 'score')!.numeric).toEqual(fromCsv.columns.find((c) => c.name === 'score')!.numeric);
  });

  it('reads JSON Lines whose later records do not fit the sampled types', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ id: i, v: i }));
    const path = dir.write('late.jsonl', [...lines, JSON.stringify({ id: 30_000, v: 'text now', extra: true })].join('\n') + '\n');
    const profile = await profileFile(path, await detectFormat(path), { threads: 1 });
    expect(profile.rowCount).toBe(30_001);
    expect(profile.columns.map((c) => c.name)).toEqual(['id', 'v', 'extra']);
    expect(profile.columns[1]!.type).not.toBe('integer');
  });

  it('refuses malformed JSON Lines with the line and byte', async () => {
    const path = dir.write('bad.jsonl', '{"a": 1}\n{"a": 2\n');
    const err = await profileFile(path, await detectFormat(path), { threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedDataError);
    expect((err as MalformedDataError).position).toEqual({ line: 2, byteOffset: 16 });
  });

  it('keeps a date format the sniffer found', async () => {
    const path = dir.write('dates.csv', 'day,n\n31/12/2024,1\n01/02/2025,2\n15/06/2025,3\n');
    const profile = await profileFile(path, await detectFormat(path), { threads: 1 });
    expect(profile.columns[0]).toMatchObject({ type: 'date', range: { min: '2024-12-31', max: '2025-06-15' } });
  });

  it('profiles a header-only file and an all-empty column', async () => {
    const empty = dir.write('empty.csv', 'id,name\n');
    const none = await profileFile(empty, await detectFormat(empty), { threads: 1 });
    expect(none.rowCount).toBe(0);
    expect(none.sample).toEqual([]);
    expect(none.columns.map((c) => ({ nulls: c.nullCount, numeric: c.numeric, histogram: c.histogram, top: c.topValues }))).toEqual([
      { nulls: 0, numeric: null, histogram: null, top: [] },
      { nulls: 0, numeric: null, histogram: null, top: [] },
    ]);
    const blank = dir.write('blank.csv', 'id,note\n1,\n2,\n3,\n');
    const profile = Profile.parse(await profileFile(blank, await detectFormat(blank), { threads: 1 }));
    expect(profile.columns[1]).toMatchObject({ name: 'note', nullCount: 3, distinctEstimate: 0, topValues: [] });
    expect(profile.columns[0]!.histogram!.map((b) => b.count)).toEqual([1, 1, 1]);
  });

  it('profiles a table too large to count whole from one scan: exact counts and moments, sampled histograms and top values', async () => {
    // 150 000 rows (beyond SAMPLE_TARGET): n = i; every 10th value missing; kind is 'a' for half the rows, 'b' for 30%, 'c' for 20%.
    const total = 150_000;
    const rows = Array.from({ length: total }, (_, i) => `${i},${i % 10 === 0 ? '' : i},${i % 10 < 5 ? 'a' : i % 10 < 8 ? 'b' : 'c'}`);
    const path = dir.write('large.csv', `id,n,kind\n${rows.join('\n')}\n`);
    const profile = Profile.parse(await profileFile(path, await detectFormat(path), { threads: 2 }));
    expect(profile.approximate).toBe(true);
    expect(profile.rowCount).toBe(total);
    const [id, n, kind] = profile.columns;
    expect(n!.nullCount).toBe(total / 10);
    expect(n!.numeric).toMatchObject({ min: 1, max: total - 1 });
    const values = Array.from({ length: total }, (_, i) => i).filter((i) => i % 10 !== 0);
    expect(n!.numeric!.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    // Sampled bars are scaled to the column's values: they add up to them exactly, each near its true share (1/20).
    expect(n!.histogram!.reduce((a, b) => a + b.count, 0)).toBe(total - total / 10);
    for (const bin of n!.histogram!) expect(bin.count / values.length).toBeGreaterThan(0.04);
    expect(id!.histogram!.reduce((a, b) => a + b.count, 0)).toBe(total);
    // HyperLogLog within 5% of 150 000 distinct ids.
    expect(id!.distinctExact).toBe(false);
    expect(Math.abs(id!.distinctEstimate - total) / total).toBeLessThan(0.05);
    expect(kind!.topValues!.map((t) => t.value)).toEqual(['a', 'b', 'c']);
    for (const [t, share] of [[0, 0.5], [1, 0.3], [2, 0.2]] as const) expect(Math.abs(kind!.topValues![t]!.count / total - share)).toBeLessThan(0.03);
    expect(profile.sample[1]).toEqual([1, 1, 'a']);
  });

  it('profiles the first worksheet of an Excel workbook: numbers, dates, formulas\' results, rich text, links, blanks', async () => {
    const path = dir.write('measurements.xlsx', await workbook({
      flowers: [
        ['species', 'petal_cm', 'measured', 'area', null],
        ['setosa', 1.4, new Date(Date.UTC(2024, 0, 2)), { formula: 'B2*2', result: 2.8 }, null],
        [{ richText: [{ text: 'versi' }, { font: { bold: true }, text: 'color' }] }, 4.5, new Date(Date.UTC(2024, 0, 3)), { formula: 'B3*2', result: 9 }, 'note'],
        [{ text: 'virginica', hyperlink: 'https://example.org/virginica' }, null, new Date(Date.UTC(2024, 0, 4)), { error: '#N/A' }, null],
        ['setosa, "wild"', 1.5, null, 3, null, 'far right'],
      ],
      ignored: [['other'], [1]],
    }));
    const profile = Profile.parse(await profileFile(path, await detectFormat(path), { threads: 1 }));
    expect(profile).toMatchObject({ format: 'xlsx', rowCount: 4 });
    const byName = Object.fromEntries(profile.columns.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['species', 'petal_cm', 'measured', 'area', 'column_5', 'column_6']);
    expect(byName.petal_cm).toMatchObject({ type: 'float', nullCount: 1, numeric: { min: 1.4, max: 4.5 } });
    expect(byName.measured).toMatchObject({ type: 'date', nullCount: 1, range: { min: '2024-01-02', max: '2024-01-04' } });
    expect(byName.area).toMatchObject({ type: 'float', nullCount: 1, numeric: { min: 2.8, max: 9 } });
    expect(byName.column_6).toMatchObject({ type: 'string', nullCount: 3 });
    expect(byName.species!.topValues!.map((t) => t.value).sort()).toEqual(['setosa', 'setosa, "wild"', 'versicolor', 'virginica']);
    expect(profile.sample.map((row) => row[0])).toEqual(['setosa', 'versicolor', 'virginica', 'setosa, "wild"']);
  });

  it('refuses an Excel workbook it cannot read, or whose first worksheet is empty, as malformed', async () => {
    const skeleton = dir.write('skeleton.xlsx', await xlsx());
    await expect(profileFile(skeleton, await detectFormat(skeleton))).rejects.toBeInstanceOf(MalformedDataError);
    const empty = dir.write('empty.xlsx', await workbook({ blank: [], data: [['a'], [1]] }));
    await expect(profileFile(empty, await detectFormat(empty))).rejects.toThrow(/first worksheet is empty/);
  });

  it('refuses what the engine cannot profile', async () => {
    const png = dir.write('x.txt', 'just text\n');
    await expect(profileFile(png, await detectFormat(png))).rejects.toThrow(/plain text is not tabular/);
  });
});
