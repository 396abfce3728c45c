import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../../backend/src/data/store/cas.js';
import { parseDvcFile } from '../../../../backend/src/data/store/dvcfile.js';
import { CorruptObjectError, ManifestError, TargetExistsError, UnsafePathError } from '../../../../backend/src/data/store/errors.js';
import { addFile, addFolder, checkout } from '../../../../backend/src/data/store/folder.js';
import { DVC_DIR_FIXTURES, DVC_FILE_FIXTURE } from '../../../unit/data/store/dvc-fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'mlwb-folder-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (what: string) => join(base, `${what}-${n++}`);
const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [relpath, content] of Object.entries(files)) {
    mkdirSync(join(root, relpath, '..'), { recursive: true });
    writeFileSync(join(root, relpath), content);
  }
}

/** relpath → md5 of every regular file below `root`. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[relative(root, join(entry.parentPath, entry.name)).split('\\').join('/')] = md5(readFileSync(join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('addFolder and checkout', () => {
  it('round-trips nested folders, linking objects where it can', async () => {
    const store = await ContentStore.open(fresh('store'));
    const src = fresh('src');
    const big = randomBytes(3 * 1024 * 1024);
    write(src, { 'a.csv': 'x,y\n1,2\n', 'sub/b.txt': 'bee', 'sub/deeper/c.bin': big, 'sub/deeper/same-as-b.txt': 'bee', '.git/HEAD': 'ref' });
    mkdirSync(join(src, 'sub', 'empty'));
    symlinkSync(join(src, 'a.csv'), join(src, 'link-to-a'));
    symlinkSync(join(src, 'sub'), join(src, 'link-to-sub'));
    execFileSync('mkfifo', [join(src, 'pipe')]);

    const progress: number[] = [];
    const added = await addFolder(store, src, (p) => progress.push(p.bytes));
    expect(added.files.map((f) => f.relpath)).toEqual(['a.csv', 'link-to-a', 'sub/b.txt', 'sub/deeper/c.bin', 'sub/deeper/same-as-b.txt']);
    expect(added.nfiles).toBe(5);
    expect(added.size).toBe(8 + 8 + 3 + big.length + 3);
    expect(added.id).toMatch(/^[0-9a-f]{32}\.dir$/);
    expect(added.skipped).toEqual([
      { relpath: '.git', reason: 'ignored, as DVC ignores it' },
      { relpath: 'link-to-sub', reason: 'symlink to a folder' },
      { relpath: 'pipe', reason: 'not a regular file' },
    ]);
    expect(progress.at(-1)).toBe(added.size);
    expect(await store.readManifest(added.id)).toEqual(added.files.map(({ md5, relpath }) => ({ md5, relpath })));

    const into = fresh('workspace');
    const result = await checkout(store, { id: added.id, into, path: 'ds' });
    expect(result).toMatchObject({ target: join(into, 'ds'), dvcFile: join(into, 'ds.dvc'), nfiles: 5, size: added.size, linked: 5, copied: 0 });
    expect(snapshot(join(into, 'ds'))).toEqual({
      'a.csv': md5('x,y\n1,2\n'),
      'link-to-a': md5('x,y\n1,2\n'),
      'sub/b.txt': md5('bee'),
      'sub/deeper/c.bin': md5(big),
      'sub/deeper/same-as-b.txt': md5('bee'),
    });
    expect(statSync(join(into, 'ds', 'sub', 'b.txt')).ino).toBe(statSync(store.pathOf(md5('bee'))).ino);
    expect(parseDvcFile(readFileSync(result.dvcFile, 'utf8'))).toEqual({ outs: [{ md5: added.id, size: added.size, nfiles: 5, hash: 'md5', path: 'ds' }] });
    expect(readdirSync(into).sort()).toEqual(['ds', 'ds.dvc']);
  });

  it('copies when asked, and replaces an existing checkout only with overwrite', async () => {
    const store = await ContentStore.open(fresh('store'));
    const v1 = fresh('v1');
    const v2 = fresh('v2');
    write(v1, { 'keep.txt': 'same', 'gone.txt': 'old' });
    write(v2, { 'keep.txt': 'same', 'new/added.txt': 'new' });
    const first = await addFolder(store, v1);
    const second = await addFolder(store, v2);
    const into = fresh('workspace');

    const copied = await checkout(store, { id: first.id, into, path: 'ds', mode: 'copy' });
    expect(copied).toMatchObject({ linked: 0, copied: 2 });
    expect(statSync(join(into, 'ds', 'keep.txt')).mode & 0o200).toBe(0o200); // a copy is the user's to edit

    await expect(checkout(store, { id: second.id, into, path: 'ds' })).rejects.toBeInstanceOf(TargetExistsError);
    expect(snapshot(join(into, 'ds'))).toEqual({ 'keep.txt': md5('same'), 'gone.txt': md5('old') });

    await checkout(store, { id: second.id, into, path: 'ds', overwrite: true });
    expect(snapshot(join(into, 'ds'))).toEqual({ 'keep.txt': md5('same'), 'new/added.txt': md5('new') });
    expect(parseDvcFile(readFileSync(join(into, 'ds.dvc'), 'utf8')).outs[0]!.md5).toBe(second.id);
    expect(readdirSync(into).sort()).toEqual(['ds', 'ds.dvc']);
  });

  it('writes the .dvc text DVC writes for the same folder', async () => {
    const fixture = DVC_DIR_FIXTURES['test_install.py test_merge_driver']!;
    const store = await ContentStore.open(fresh('store'));
    const src = fresh('data');
    write(src, fixture.files);
    const added = await addFolder(store, src);
    expect(added.id).toBe(fixture.id);
    const into = fresh('workspace');
    await checkout(store, { id: added.id, into, path: 'data' });
    expect(readFileSync(join(into, 'data.dvc'), 'utf8')).toBe(fixture.dvcText);
  });

  it('refuses a folder with a symlink out of it, or a name another platform cannot hold', async () => {
    const store = await ContentStore.open(fresh('store'));
    const outside = fresh('outside');
    write(outside, { secret: 's' });
    const src = fresh('src');
    write(src, { 'ok.txt': 'ok' });
    symlinkSync(join(outside, 'secret'), join(src, 'escape'));
    await expect(addFolder(store, src)).rejects.toThrow(/escape.*symlink that leads outside/);

    const src2 = fresh('src');
    write(src2, { 'a\\b.txt': 'x' });
    await expect(addFolder(store, src2)).rejects.toBeInstanceOf(UnsafePathError);
  });

  it.each(['hardlink', 'copy'] as const)('leaves the workspace as it was when an object is corrupt (%s)', async (mode) => {
    const store = await ContentStore.open(fresh('store'));
    const src = fresh('src');
    write(src, { 'a.txt': 'aaaa', 'b.txt': 'bbbb' });
    const added = await addFolder(store, src);
    const object = store.pathOf(md5('bbbb'));
    chmodSync(object, 0o644);
    writeFileSync(object, 'bbbB');
    chmodSync(object, 0o444);
    const into = fresh('workspace');
    await expect(checkout(store, { id: added.id, into, path: 'ds', mode })).rejects.toBeInstanceOf(CorruptObjectError);
    expect(readdirSync(into)).toEqual([]);
  });

  it('refuses a manifest whose relpaths leave the checkout, writing nothing', async () => {
    const store = await ContentStore.open(fresh('store'));
    const { md5: fileMd5 } = await store.put([Buffer.from('evil')]);
    const bytes = Buffer.from(`[{"md5": "${fileMd5}", "relpath": "../../escaped"}]`);
    const id = `${md5(bytes)}.dir`;
    mkdirSync(join(store.pathOf(id), '..'), { recursive: true });
    writeFileSync(store.pathOf(id), bytes);
    const into = fresh('workspace');
    await expect(checkout(store, { id, into, path: 'ds' })).rejects.toBeInstanceOf(ManifestError);
    expect(readdirSync(into)).toEqual([]);
    expect(existsSync(join(into, '..', 'escaped'))).toBe(false);
  });

  it('refuses a checkout name that is not one safe segment', async () => {
    const store = await ContentStore.open(fresh('store'));
    const { md5: id } = await store.put([Buffer.from('x')]);
    await expect(checkout(store, { id, into: fresh('ws'), path: '../x' })).rejects.toBeInstanceOf(UnsafePathError);
    await expect(checkout(store, { id, into: fresh('ws'), path: 'a/b' })).rejects.toThrow(/single name/);
  });
});

describe('addFile and checkout of a file', () => {
  it('writes the file and the .dvc text dvc add writes', async () => {
    const store = await ContentStore.open(fresh('store'));
    const src = fresh('src');
    write(src, { foo: DVC_FILE_FIXTURE.content });
    const added = await addFile(store, join(src, 'foo'));
    expect(added).toEqual({ id: DVC_FILE_FIXTURE.md5, size: 3, isexec: false });
    const into = fresh('workspace');
    const result = await checkout(store, { id: added.id, into, path: 'foo' });
    expect(result).toMatchObject({ nfiles: 1, size: 3, linked: 1 });
    expect(readFileSync(join(into, 'foo'), 'utf8')).toBe('foo');
    expect(readFileSync(join(into, 'foo.dvc'), 'utf8')).toBe(DVC_FILE_FIXTURE.dvcText);
  });

  it('keeps the executable bit, on a copy rather than the store object', async () => {
    const store = await ContentStore.open(fresh('store'));
    const src = fresh('src');
    write(src, { foo: DVC_FILE_FIXTURE.content });
    chmodSync(join(src, 'foo'), 0o755);
    const added = await addFile(store, join(src, 'foo'));
    expect(added.isexec).toBe(true);
    const into = fresh('workspace');
    const result = await checkout(store, { id: added.id, into, path: 'foo', isexec: true });
    expect(result).toMatchObject({ linked: 0, copied: 1 });
    expect(statSync(join(into, 'foo')).mode & 0o777).toBe(0o755);
    expect(statSync(store.pathOf(added.id)).mode & 0o777).toBe(0o444);
    expect(readFileSync(join(into, 'foo.dvc'), 'utf8')).toBe(DVC_FILE_FIXTURE.dvcTextExecutable);
  });
});
