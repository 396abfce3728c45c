import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../../backend/src/data/inspect/detect.js';
import { diffTabular, type TabularVersion } from '../../../../backend/src/data/inspect/diff.js';
import { TabularDiff } from '../../../../backend/src/protocol/data-diff.js';
import { DiffKeyError } from '../../../../backend/src/data/inspect/errors.js';
import { TempDir, workbook } from '../../../unit/data/inspect/builders.js';

const dir = new TempDir();
afterAll(() => dir.remove());

async function version(name: string, content: string): Promise<TabularVersion> {
  const path = dir.write(name, content);
  return { path, detected: await detectFormat(path) };
}

const header = 'id,name,price\n';
const rows = (ids: number[], price = (id: number) => id * 10): string => ids.map((id) => `${id},"item ${id}, boxed",${price(id)}`).join('\n') + '\n';

describe('diffTabular', () => {
  it('diffs two Excel workbooks like any table, by key', async () => {
    const sheet = (rows: [number, string, number][]) => [['id', 'name', 'price'], ...rows];
    const before = dir.write('v1.xlsx', await workbook({ items: sheet([[1, 'bolt', 10], [2, 'nut', 20], [3, 'gear', 30]]) }));
    const after = dir.write('v2.xlsx', await workbook({ items: sheet([[2, 'nut', 25], [3, 'gear', 30], [4, 'cog', 40]]) }));
    const diff = TabularDiff.parse(await diffTabular({ path: before, detected: await detectFormat(before) }, { path: after, detected: await detectFormat(after) }, { key: 'id', threads: 1 }));
    expect(diff.rowCount).toEqual({ before: 3, after: 3 });
    expect(diff.rows).toMatchObject({ mode: 'key', added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(diff.rows.samples.added).toEqual([{ id: 4, name: 'cog', price: 40 }]);
  });

  it('matches rows by a key column: added, removed, changed with samples', async () => {
    const before = await version('v1.csv', header + rows([1, 2, 3, 4, 5]));
    // 1 removed; 3 and 5 repriced; 6, 7 added
    const after = await version('v2.csv', header + rows([2, 3, 4, 5, 6, 7], (id) => (id === 3 || id === 5 ? id * 11 : id * 10)));
    const diff = TabularDiff.parse(await diffTabular(before, after, { key: 'id', threads: 1 }));
    expect(diff.rowCount).toEqual({ before: 5, after: 6 });
    expect(diff.schema).toEqual({ added: [], removed: [], retyped: [] });
    expect(diff.rows).toMatchObject({ mode: 'key', key: 'id', added: 2, removed: 1, changed: 2, unchanged: 2 });
    expect(diff.rows.samples.added).toEqual([
      { id: 6, name: 'item 6, boxed', price: 60 },
      { id: 7, name: 'item 7, boxed', price: 70 },
    ]);
    expect(diff.rows.samples.removed).toEqual([{ id: 1, name: 'item 1, boxed', price: 10 }]);
    expect(diff.rows.samples.changed).toEqual([
      { key: 3, before: { id: 3, name: 'item 3, boxed', price: 30 }, after: { id: 3, name: 'item 3, boxed', price: 33 }, columns: ['price'] },
      { key: 5, before: { id: 5, name: 'item 5, boxed', price: 50 }, after: { id: 5, name: 'item 5, boxed', price: 55 }, columns: ['price'] },
    ]);
    const price = diff.stats.find((s) => s.name === 'price')!;
    expect(price.before.mean).toBe(30);
    expect(price.after.mean).toBeCloseTo((20 + 33 + 40 + 55 + 60 + 70) / 6, 9);
  });

  it('compares whole rows by hash without a key, as a multiset', async () => {
    const before = await version('h1.csv', header + rows([1, 2, 2, 3]));
    const after = await version('h2.csv', header + rows([2, 3, 4, 4]));
    const diff = await diffTabular(before, after, { threads: 1 });
    expect(diff.rows).toMatchObject({ mode: 'hash', key: null, added: 2, removed: 2, changed: null, unchanged: 2 });
    expect(diff.rows.samples.added).toEqual([
      { id: 4, name: 'item 4, boxed', price: 40 },
      { id: 4, name: 'item 4, boxed', price: 40 },
    ]);
    expect(diff.rows.samples.removed).toEqual([{ id: 1, name: 'item 1, boxed', price: 10 }]);
  });

  it('reports schema changes and compares the columns both versions have', async () => {
    const before = await version('s1.csv', 'id,code,old\n1,10,a\n2,20,b\n');
    const after = await version('s2.csv', 'id,code,extra\n1,x10,2024-01-01\n2,20,2024-01-02\n');
    const diff = await diffTabular(before, after, { key: 'id', threads: 1 });
    expect(diff.schema).toEqual({
      added: [{ name: 'extra', engineType: 'DATE' }],
      removed: [{ name: 'old', engineType: 'VARCHAR' }],
      retyped: [{ name: 'code', before: 'BIGINT', after: 'VARCHAR' }],
    });
    expect(diff.rows).toMatchObject({ added: 0, removed: 0, changed: 1, unchanged: 1 });
    expect(diff.rows.samples.changed[0]).toMatchObject({ key: 1, columns: ['code'] });
  });

  it('refuses a key that is missing or not unique, naming it', async () => {
    const a = await version('k1.csv', 'id,v\n1,a\n1,b\n');
    const b = await version('k2.csv', 'id,v\n1,a\n');
    await expect(diffTabular(a, b, { key: 'nope', threads: 1 })).rejects.toThrow(/key column "nope" is not a column of either version/);
    const err = await diffTabular(a, b, { key: 'id', threads: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiffKeyError);
    expect((err as Error).message).toMatch(/holds "1" in more than one row of the older version/);
  });

  it('diffs across formats (CSV against JSON Lines)', async () => {
    const before = await version('x.csv', 'id,v\n1,a\n2,b\n');
    const after = await version('x.jsonl', '{"id": 1, "v": "a"}\n{"id": 2, "v": "c"}\n');
    const diff = await diffTabular(before, after, { key: 'id', threads: 1 });
    expect(diff.rows).toMatchObject({ added: 0, removed: 0, changed: 1 });
  });
});
