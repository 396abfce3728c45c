import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppliedRecords } from '../../../../backend/src/sync/applied.js';

const ENV = 'env_abcdefgh12';
const OTHER = 'env_zyxwvuts98';
const entry = { md5: 'd41d8cd98f00b204e9800998ecf8427e', executable: false };

describe('AppliedRecords', () => {
  it('reads back what it wrote, and nothing for a folder never synced', async () => {
    const records = new AppliedRecords(mkdtempSync(join(tmpdir(), 'mlwb-applied-')));
    await records.write(ENV, 'proj', { 'a.py': entry });
    expect(await records.read(ENV, 'proj')).toEqual({ 'a.py': entry });
    expect(await records.read(ENV, 'other')).toEqual({});
  });

  it('treats an unreadable record as empty (everything is written again) and leaves no temp file behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlwb-applied-'));
    const records = new AppliedRecords(root);
    await records.write(ENV, 'proj', { 'a.py': entry });
    expect(readdirSync(join(root, ENV))).toEqual(['proj.json']);
    writeFileSync(join(root, ENV, 'proj.json'), '{"version":1,"files":{"../x":');
    expect(await records.read(ENV, 'proj')).toEqual({});
    writeFileSync(join(root, ENV, 'proj.json'), JSON.stringify({ version: 1, files: { '../x': entry } }));
    expect(await records.read(ENV, 'proj')).toEqual({});
  });

  it('refuses ids and names that are not single safe segments', async () => {
    const records = new AppliedRecords(mkdtempSync(join(tmpdir(), 'mlwb-applied-')));
    await expect(records.write('../x', 'proj', {})).rejects.toThrow();
    await expect(records.write(ENV, '../proj', {})).rejects.toThrow();
  });

  it('prunes the records of environments that no longer exist', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlwb-applied-'));
    const records = new AppliedRecords(root);
    await records.write(ENV, 'proj', { 'a.py': entry });
    await records.write(OTHER, 'proj', { 'a.py': entry });
    expect(await records.prune((id) => id === ENV)).toEqual([OTHER]);
    expect([existsSync(join(root, ENV)), existsSync(join(root, OTHER))]).toEqual([true, false]);
  });
});
