import { describe, expect, it } from 'vitest';
import type { SyncFile } from '../../../../backend/src/protocol/index.js';
import { planChanges, type AppliedFiles } from '../../../../backend/src/sync/changes.js';

const md5 = (c: string): string => c.repeat(32);
const file = (path: string, content = 'a', executable = false): SyncFile => ({ path, md5: md5(content), size: 1, executable });
const record = (...files: SyncFile[]): AppliedFiles => Object.fromEntries(files.map((f) => [f.path, { md5: f.md5, executable: f.executable }]));

describe('planChanges', () => {
  it('writes everything into an empty folder', () => {
    const plan = planChanges({}, [file('a.py'), file('src/b.py')], true);
    expect(plan.write.map((f) => f.path)).toEqual(['a.py', 'src/b.py']);
    expect(plan).toMatchObject({ unchanged: 0, remove: [], next: record(file('a.py'), file('src/b.py')) });
  });

  it('writes only files whose content or mode changed', () => {
    const previous = record(file('a.py'), file('b.py'), file('run.sh'));
    const plan = planChanges(previous, [file('a.py'), file('b.py', 'b'), file('run.sh', 'a', true)], true);
    expect(plan.write.map((f) => f.path)).toEqual(['b.py', 'run.sh']);
    expect(plan.unchanged).toBe(1);
  });

  it('removes files no longer listed only with delete, and keeps them in the record without it', () => {
    const previous = record(file('a.py'), file('old.py'));
    expect(planChanges(previous, [file('a.py')], true)).toMatchObject({ remove: ['old.py'], next: record(file('a.py')) });
    expect(planChanges(previous, [file('a.py')], false)).toMatchObject({ remove: [], next: previous });
  });

  it('removes a file in the way of a new folder, and a folder in the way of a new file, even without delete', () => {
    const fileToFolder = planChanges(record(file('data')), [file('data/x.csv')], false);
    expect(fileToFolder).toMatchObject({ remove: ['data'], next: record(file('data/x.csv')) });
    const folderToFile = planChanges(record(file('data/x.csv'), file('data/y.csv')), [file('data')], false);
    expect(folderToFile).toMatchObject({ remove: ['data'], next: record(file('data')) });
    expect(folderToFile.write.map((f) => f.path)).toEqual(['data']);
  });

  it('does not list files under a removed folder separately', () => {
    const plan = planChanges(record(file('d/a'), file('d/b'), file('e')), [file('d')], true);
    expect(plan.remove).toEqual(['d', 'e']);
  });
});
