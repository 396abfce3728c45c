import { describe, expect, it } from 'vitest';
import { diffFolders } from '../../../../backend/src/data/inspect/folder-diff.js';
import { diffProfiles } from '../../../../backend/src/data/inspect/profile-diff.js';
import type { ColumnProfile, Profile } from '../../../../backend/src/protocol/data-profile.js';

const file = (relpath: string, md5: string, size = 10) => ({ relpath, md5, size });

describe('diffFolders', () => {
  it('lists added, removed and modified files by path, counting the unchanged', () => {
    const before = [file('b.csv', '1'), file('a/x.png', '2'), file('gone.txt', '3'), file('same.txt', '4')];
    const after = [file('same.txt', '4'), file('new/z.wav', '5'), file('b.csv', '9', 12), file('a/x.png', '2'), file('a/new.png', '6')];
    expect(diffFolders(before, after)).toEqual({
      added: [file('a/new.png', '6'), file('new/z.wav', '5')],
      removed: [file('gone.txt', '3')],
      modified: [{ relpath: 'b.csv', before: { md5: '1', size: 10 }, after: { md5: '9', size: 12 } }],
      unchanged: 2,
    });
  });

  it('finds nothing between identical lists', () => {
    const files = [file('a', '1'), file('b', '2')];
    expect(diffFolders(files, [...files].reverse())).toEqual({ added: [], removed: [], modified: [], unchanged: 2 });
  });
});

function column(name: string, engineType: string, over: Partial<ColumnProfile> = {}): ColumnProfile {
  return { name, type: 'integer', engineType, nullCount: 0, distinctEstimate: 3, distinctExact: true, numeric: null, range: null, histogram: null, topValues: null, ...over };
}

function profile(rowCount: number, columns: ColumnProfile[]): Profile {
  return { version: 1, format: 'csv', rowCount, columns, sample: [] };
}

describe('diffProfiles', () => {
  it('reports schema changes, row counts and how far each mean moved', () => {
    const before = profile(100, [
      column('id', 'BIGINT'),
      column('price', 'DOUBLE', { type: 'float', nullCount: 2, numeric: { min: 0, max: 10, mean: 5, std: 2 } }),
      column('code', 'BIGINT'),
      column('old', 'VARCHAR', { type: 'string' }),
    ]);
    const after = profile(120, [
      column('id', 'BIGINT'),
      column('price', 'DOUBLE', { type: 'float', nullCount: 5, numeric: { min: 1, max: 14, mean: 8, std: 3 } }),
      column('code', 'VARCHAR', { type: 'string' }),
      column('extra', 'DATE', { type: 'date' }),
    ]);
    const diff = diffProfiles(before, after);
    expect(diff.schema).toEqual({
      added: [{ name: 'extra', engineType: 'DATE' }],
      removed: [{ name: 'old', engineType: 'VARCHAR' }],
      retyped: [{ name: 'code', before: 'BIGINT', after: 'VARCHAR' }],
    });
    expect(diff.rowCount).toEqual({ before: 100, after: 120 });
    expect(diff.stats.map((s) => s.name)).toEqual(['id', 'price', 'code']);
    const price = diff.stats.find((s) => s.name === 'price')!;
    expect(price.before).toMatchObject({ nullCount: 2, mean: 5, std: 2, min: 0, max: 10 });
    expect(price.after).toMatchObject({ nullCount: 5, mean: 8, std: 3, min: 1, max: 14 });
    expect(price.meanShift).toBe(1.5);
    expect(diff.stats.find((s) => s.name === 'code')!.meanShift).toBeNull();
  });
});
