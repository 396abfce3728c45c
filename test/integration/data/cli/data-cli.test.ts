import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetDiff, DatasetVersion, VerifyResult, VersionDetail } from '../../../../backend/src/protocol/index.js';
import { CLI, startBackend, type BackendProcess } from '../../../fixtures/backend-process.js';

const V1 = 'id,region,amount\n1,north,10.5\n2,south,20\n';
const V2 = 'id,region,amount\n1,north,10.5\n2,south,25\n3,east,7\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('mlwb data round trip', () => {
  let backend: BackendProcess;
  let work: string;
  const mlwb = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MLWB_')));
      execFile(process.execPath, [CLI, 'data', ...args], { cwd: work, env: { ...base, MLWB_CONFIG_DIR: join(work, '.config'), MLWB_URL: backend.url, MLWB_TOKEN: backend.token } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    backend = await startBackend();
    work = mkdtempSync(join(tmpdir(), 'mlwb-data-cli-'));
  });
  afterAll(async () => {
    await backend.stop();
  });

  it('adds, lists, shows, diffs, checks out, restores, removes, collects and verifies', async () => {
    writeFileSync(join(work, 'sales.csv'), V1);
    const added = await mlwb(['add', 'sales.csv', '--name', 'sales', '--message', 'first']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe(`added sales@v1 (csv, ${V1.length} B, 1 file(s)); profiled\n`);
    expect(added.stderr).toContain(`uploaded ${V1.length} B of ${V1.length} B`);

    const dup = await mlwb(['add', 'sales.csv', '--name', 'sales']);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/identical to sales@v1/);

    writeFileSync(join(work, 'sales.csv'), V2);
    const v2 = DatasetVersion.parse(JSON.parse((await mlwb(['add', 'sales.csv', '--name', 'sales', '--json'])).stdout));
    expect(v2.ref).toBe('sales@v2');

    const list = await mlwb(['list']);
    expect(list.stdout).toMatch(/^NAME\s+VERSIONS\s+LATEST\s+FORMAT\s+SIZE\s+UPDATED\nsales\s+2\s+sales@v2\s+csv\s+50 B\s+/);
    expect(V2.length).toBe(50);
    expect((await mlwb(['versions', 'sales'])).stdout.split('\n').slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['sales@v2', 'sales@v1']);

    const shown = await mlwb(['show', 'sales@v2']);
    expect(shown.stdout).toMatch(/3 rows, 3 columns/);
    expect(shown.stdout).toMatch(/amount\s+DOUBLE\s+0\s+3\s+7\s+25/);
    expect(VersionDetail.parse(JSON.parse((await mlwb(['show', 'sales@v2', '--json'])).stdout)).profile?.rowCount).toBe(3);

    const diff = await mlwb(['diff', 'sales@v1', 'sales@v2', '--key', 'id']);
    expect(diff.stdout).toMatch(/rows 2 → 3/);
    expect(diff.stdout).toMatch(/rows by key id: 1 added, 0 removed, 1 changed, 1 unchanged/);
    expect(DatasetDiff.parse(JSON.parse((await mlwb(['diff', 'sales@v1', 'sales@v2', '--json'])).stdout)).kind).toBe('tabular');
    expect((await mlwb(['diff', 'sales@1', 'sales@v2'])).stderr).toMatch(/NAME@vN/);

    const checkout = await mlwb(['checkout', 'sales@v1']);
    expect(checkout.code, checkout.stderr).toBe(0);
    expect(readFileSync(join(work, 'data', 'raw', 'sales', 'sales.csv'), 'utf8')).toBe(V1);
    expect(readFileSync(join(work, 'data', 'raw', 'sales', 'sales.csv.dvc'), 'utf8')).toMatch(/^outs:\n- md5: [0-9a-f]{32}\n {2}size: 41\n {2}hash: md5\n {2}path: sales.csv\n$/);

    expect((await mlwb(['restore', 'sales@v1'])).stdout).toBe('restored sales@v1 as sales@v3\n');
    expect((await mlwb(['rm', 'sales@v2'])).stdout).toBe('deleted sales@v2\n');
    expect((await mlwb(['gc'])).stdout).toMatch(/^removed 0 object\(s\), freed 0 B; 1 kept\n$/);
    const verify = VerifyResult.parse(JSON.parse((await mlwb(['verify', '--json'])).stdout));
    expect(verify).toMatchObject({ checkedObjects: 1, corrupt: [], missing: [] });
  });

  it('adds a folder and checks it out as data/raw/NAME with NAME.dvc', async () => {
    mkdirSync(join(work, 'docs', 'a'), { recursive: true });
    writeFileSync(join(work, 'docs', 'a', 'one.txt'), 'one\n');
    writeFileSync(join(work, 'docs', 'two.txt'), 'two\n');
    expect((await mlwb(['add', 'docs', '--name', 'docs'])).stdout).toBe('added docs@v1 (folder, 8 B, 2 file(s))\n');
    await mlwb(['checkout', 'docs@v1', '--to', 'ws']);
    expect(readFileSync(join(work, 'ws', 'docs', 'a', 'one.txt'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(work, 'ws', 'docs.dvc'), 'utf8')).toMatch(/nfiles: 2\n {2}hash: md5\n {2}path: docs\n$/);
  });
});
