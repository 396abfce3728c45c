import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VersionDetail } from '../../../../backend/src/protocol/index.js';
import { checkoutPlan, writeCheckout } from '../../../../extension/src/datasets/checkout.js';
import { datasetVersion, profile } from '../../../fixtures/datasets/views.js';

const MD5_A = '0cc175b9c0f1b6a831c399e269772661'; // md5('a')
const MD5_B = '92eb5ffee6ae2fec3ad71c777531578f'; // md5('b')

function fileVersion(): VersionDetail {
  return { ...datasetVersion({ ref: 'iris@v3', contentHash: MD5_A, totalSize: 1 }), files: [{ path: 'iris.csv', md5: MD5_A, size: 1 }], profile: profile() };
}

function folderVersion(files = [{ path: 'a.txt', md5: MD5_A, size: 1 }, { path: 'sub/b.txt', md5: MD5_B, size: 1 }]): VersionDetail {
  const v = datasetVersion({ ref: 'letters@v2', kind: 'folder', format: 'folder', fileCount: files.length, totalSize: 2, contentHash: `${'e'.repeat(32)}.dir` });
  return { ...v, files, profile: null };
}

describe('checkout', () => {
  it('puts a file version in data/raw/<name>/ with <file>.dvc next to it, as dvc add writes it', () => {
    const plan = checkoutPlan(fileVersion(), '/ws');
    expect(plan.target).toBe(join('/ws', 'data', 'raw', 'iris', 'iris.csv'));
    expect(plan.dvcFile).toBe(join('/ws', 'data', 'raw', 'iris', 'iris.csv.dvc'));
    expect(plan.dvcText).toBe(`outs:\n- md5: ${MD5_A}\n  size: 1\n  hash: md5\n  path: iris.csv\n`);
  });

  it('puts a folder version in data/raw/<name>/ with <name>.dvc beside the folder, holding the .dir hash', () => {
    const plan = checkoutPlan(folderVersion(), '/ws');
    expect(plan.target).toBe(join('/ws', 'data', 'raw', 'letters'));
    expect(plan.dvcFile).toBe(join('/ws', 'data', 'raw', 'letters.dvc'));
    expect(plan.dvcText).toBe(`outs:\n- md5: ${'e'.repeat(32)}.dir\n  size: 2\n  nfiles: 2\n  hash: md5\n  path: letters\n`);
    expect(plan.files.map((f) => f.dest)).toEqual([join(plan.target, 'a.txt'), join(plan.target, 'sub', 'b.txt')]);
  });

  it('refuses file paths from the server that would leave the folder', () => {
    expect(() => checkoutPlan(folderVersion([{ path: '../escape.txt', md5: MD5_A, size: 1 }]), '/ws')).toThrow(/\.\./);
    expect(() => checkoutPlan(folderVersion([{ path: '/etc/passwd', md5: MD5_A, size: 1 }]), '/ws')).toThrow();
  });

  it('writes each file under a temporary name, renames it into place, then the .dvc file; a failed download leaves nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlwb-checkout-'));
    const plan = checkoutPlan(folderVersion(), root);
    let bytes = 0;
    await writeCheckout(plan, async (file, dest) => writeFileSync(dest, file.path === 'a.txt' ? 'a' : 'b'), (n) => (bytes += n));
    expect(readFileSync(join(plan.target, 'sub', 'b.txt'), 'utf8')).toBe('b');
    expect(readFileSync(plan.dvcFile, 'utf8')).toBe(plan.dvcText);
    expect(readdirSync(plan.target).sort()).toEqual(['a.txt', 'sub']);

    const other = mkdtempSync(join(tmpdir(), 'mlwb-checkout-'));
    const failing = checkoutPlan(fileVersion(), other);
    await expect(
      writeCheckout(failing, async (_file, dest) => {
        writeFileSync(dest, 'partial');
        throw new Error('connection cut');
      }),
    ).rejects.toThrow('connection cut');
    expect(readdirSync(join(other, 'data', 'raw', 'iris'))).toEqual([]);
    expect(existsSync(failing.dvcFile)).toBe(false);
    expect(bytes).toBe(0);
  });
});
