import { describe, expect, it } from 'vitest';
import { humanSize } from '../../../../../backend/src/cli/commands/data.js';
import { checkoutLayout } from '../../../../../backend/src/client/data-checkout.js';
import { RwLock } from '../../../../../backend/src/data/service/rwlock.js';
import { parseVersionRef, versionRef, VersionRef } from '../../../../../backend/src/protocol/index.js';

describe('version references', () => {
  it.each([
    ['iris@v1', { name: 'iris', number: 1 }],
    ['my.data_set-2@v123', { name: 'my.data_set-2', number: 123 }],
  ])('parses %s', (text, ref) => {
    expect(parseVersionRef(text)).toEqual(ref);
    expect(versionRef(ref.name, ref.number)).toBe(text);
  });

  it.each(['iris', 'iris@1', 'iris@v0', 'iris@v01', '../x@v1', 'Iris@v1', 'a..b@v1', 'con@v1', '@v1', 'iris@v1x'])('refuses %j', (text) => {
    expect(parseVersionRef(text)).toBeUndefined();
  });

  it('schema and parser agree on the shape', () => {
    expect(VersionRef.safeParse('iris@v2').success).toBe(true);
    expect(VersionRef.safeParse('iris@v2 ').success).toBe(false);
  });
});

describe('humanSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
    [412.7, '413 B'],
  ])('%d → %s', (bytes, text) => expect(humanSize(bytes)).toBe(text));
});

describe('checkoutLayout', () => {
  const md5 = 'b1946ac92492d2347c6235b4d2611184';
  it('puts a folder version at <to>/NAME with NAME.dvc beside it', () => {
    const layout = checkoutLayout({ dataset: 'imgs', kind: 'folder', files: [], contentHash: `${md5}.dir`, totalSize: 12, fileCount: 3 }, '/w/data/raw');
    expect(layout.target).toBe('/w/data/raw/imgs');
    expect(layout.dvcFile).toBe('/w/data/raw/imgs.dvc');
    expect(layout.dvcText).toBe(`outs:\n- md5: ${md5}.dir\n  size: 12\n  nfiles: 3\n  hash: md5\n  path: imgs\n`);
  });

  it('puts a file version at <to>/NAME/<file> with <file>.dvc beside the file', () => {
    const layout = checkoutLayout({ dataset: 'iris', kind: 'file', files: [{ path: 'iris.csv', md5, size: 6 }], contentHash: md5, totalSize: 6, fileCount: 1 }, '/w/data/raw');
    expect(layout.target).toBe('/w/data/raw/iris/iris.csv');
    expect(layout.dvcFile).toBe('/w/data/raw/iris/iris.csv.dvc');
    expect(layout.dvcText).toBe(`outs:\n- md5: ${md5}\n  size: 6\n  hash: md5\n  path: iris.csv\n`);
  });
});

describe('RwLock', () => {
  const deferred = () => {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    return { done, release };
  };

  it('lets readers share, makes a writer wait for them, and keeps arrival order', async () => {
    const lock = new RwLock();
    const order: string[] = [];
    const r1 = deferred();
    const r2 = deferred();
    const a = lock.shared(async () => (order.push('r1 in'), await r1.done, order.push('r1 out')));
    const b = lock.shared(async () => (order.push('r2 in'), await r2.done, order.push('r2 out')));
    const w = lock.exclusive(async () => order.push('w'));
    const r3 = lock.shared(async () => order.push('r3'));
    await Promise.resolve();
    expect(order).toEqual(['r1 in', 'r2 in']);
    r2.release();
    await b;
    expect(order).not.toContain('w');
    r1.release();
    await Promise.all([a, w, r3]);
    expect(order).toEqual(['r1 in', 'r2 in', 'r2 out', 'r1 out', 'w', 'r3']);
  });

  it('releases after a failure', async () => {
    const lock = new RwLock();
    await expect(lock.exclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.shared(async () => 'ok')).resolves.toBe('ok');
  });
});
