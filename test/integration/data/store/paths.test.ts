import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsafePathError } from '../../../../backend/src/data/store/errors.js';
import { resolveInside } from '../../../../backend/src/data/store/paths.js';

describe('resolveInside', () => {
  const base = mkdtempSync(join(tmpdir(), 'mlwb-paths-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'x');
  writeFileSync(join(root, 'sub', 'inner'), 'y');
  symlinkSync(outside, join(root, 'out-dir'));
  symlinkSync(join(outside, 'secret'), join(root, 'out-file'));
  symlinkSync(join(root, 'sub', 'inner'), join(root, 'in-file'));
  symlinkSync(join(root, 'missing'), join(root, 'dangling'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('resolves paths that stay inside, existing or not', async () => {
    await expect(resolveInside(root, 'sub/inner')).resolves.toBe(join(root, 'sub', 'inner'));
    await expect(resolveInside(root, 'new/deeper/file.csv')).resolves.toBe(join(root, 'new', 'deeper', 'file.csv'));
    await expect(resolveInside(root, 'in-file')).resolves.toBe(join(root, 'in-file'));
  });

  it('refuses a parent that is a symlink out of the root', async () => {
    await expect(resolveInside(root, 'out-dir/secret')).rejects.toThrow(/symlink that leads outside/);
    await expect(resolveInside(root, 'out-dir/new/file')).rejects.toThrow(/symlink that leads outside/);
  });

  it('refuses a target that is a symlink out of the root, or a dangling one', async () => {
    await expect(resolveInside(root, 'out-file')).rejects.toThrow(/symlink that leads outside/);
    await expect(resolveInside(root, 'dangling')).rejects.toThrow(/dangling/);
  });

  it('checks the string first', async () => {
    await expect(resolveInside(root, '../outside/secret')).rejects.toBeInstanceOf(UnsafePathError);
  });
});
