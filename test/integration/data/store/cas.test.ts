import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildSync } from 'esbuild';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../../backend/src/data/store/cas.js';
import { CorruptObjectError, GcRefusedError, Md5MismatchError, ObjectNotFoundError } from '../../../../backend/src/data/store/errors.js';
import { DVC_DIR_FIXTURES } from '../../../unit/data/store/dvc-fixtures.js';

const base = mkdtempSync(join(tmpdir(), 'mlwb-cas-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshStore = () => ContentStore.open(join(base, `store-${n++}`));

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function ids(store: ContentStore): Promise<string[]> {
  const out: string[] = [];
  for await (const object of store.objects()) out.push(object.id);
  return out;
}

describe('ContentStore.put', () => {
  let store: ContentStore;
  beforeEach(async () => {
    store = await freshStore();
  });

  it('stores content under files/md5/<2>/<30>, read-only, and deduplicates', async () => {
    const first = await store.put([Buffer.from('hello\n')]);
    expect(first).toEqual({ md5: 'b1946ac92492d2347c6235b4d2611184', size: 6, created: true });
    const path = join(store.root, 'files', 'md5', 'b1', '946ac92492d2347c6235b4d2611184');
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(statSync(path).mode & 0o777).toBe(0o444);
    expect(await store.put(Readable.from([Buffer.from('hel'), Buffer.from('lo\n')]))).toEqual({ ...first, created: false });
    expect(await ids(store)).toEqual([first.md5]);
    expect(readdirSync(store.tempDir)).toEqual([]);
    expect(await store.has(first.md5)).toBe(true);
    expect(await store.has('0'.repeat(32))).toBe(false);
    expect(await store.has('../../etc/passwd')).toBe(false);
  });

  it('gives the md5 that md5sum gives for the same file, reporting progress', async () => {
    const file = join(base, 'random.bin');
    writeFileSync(file, randomBytes(9 * 1024 * 1024 + 17));
    const progress: number[] = [];
    const result = await store.put(createReadStream(file), { onProgress: (bytes) => progress.push(bytes) });
    const md5sum = execFileSync('md5sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(result.md5).toBe(md5sum);
    expect(result.size).toBe(statSync(file).size);
    expect(progress.at(-1)).toBe(result.size);
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });

  it('stores the empty file', async () => {
    expect(await store.put([])).toEqual({ md5: 'd41d8cd98f00b204e9800998ecf8427e', size: 0, created: true });
  });

  it('stores nothing when the content does not match the announced md5', async () => {
    await expect(store.put([Buffer.from('abc')], { expectedMd5: '0'.repeat(32) })).rejects.toBeInstanceOf(Md5MismatchError);
    expect(await ids(store)).toEqual([]);
    expect(readdirSync(store.tempDir)).toEqual([]);
  });

  it('stores nothing when the source fails midway or the put is aborted', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await expect(store.put(failing())).rejects.toThrow('connection reset');
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from('a');
      controller.abort();
      yield Buffer.from('b');
    }
    await expect(store.put(slow(), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(await ids(store)).toEqual([]);
    expect(readdirSync(store.tempDir)).toEqual([]);
  });

  it('streams: a 200 MB put holds only a few MB', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 1);
    async function* generated() {
      for (let i = 0; i < 200; i++) yield chunk;
    }
    const before = process.memoryUsage().rss;
    let peak = before;
    const result = await store.put(generated(), { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    const growthMiB = (peak - before) / 1024 / 1024;
    console.log(JSON.stringify({ put200MB: { rssGrowthMiB: Math.round(growthMiB * 10) / 10 } }));
    expect(result.size).toBe(200 * 1024 * 1024);
    expect(growthMiB).toBeLessThan(32);
    await store.gc([]);
  });
});

describe('ContentStore.open and verify', () => {
  it('serves verified content and refuses a corrupted object', async () => {
    const store = await freshStore();
    const good = await store.put([Buffer.from('good content')]);
    const bad = await store.put([Buffer.from('soon corrupted')]);
    expect((await readAll(await store.open(good.md5))).toString()).toBe('good content');

    const path = store.pathOf(bad.md5);
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[3] = bytes[3]! ^ 0x01;
    writeFileSync(path, bytes);
    chmodSync(path, 0o444);

    const error = await readAll(await store.open(bad.md5)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CorruptObjectError);
    expect((error as CorruptObjectError).id).toBe(bad.md5);
    const stream = await store.open(bad.md5);
    let ended = false;
    stream.on('end', () => (ended = true));
    const copy = join(base, 'copy-of-corrupt');
    await expect(pipeline(stream, createWriteStream(copy))).rejects.toBeInstanceOf(CorruptObjectError);
    expect(ended).toBe(false); // a consumer never sees a clean end of a corrupt object
    await expect(store.open('f'.repeat(32))).rejects.toBeInstanceOf(ObjectNotFoundError);

    const missing = 'e'.repeat(32);
    const listedButMissing = 'c'.repeat(32);
    const dir = await store.putManifest([
      { md5: good.md5, relpath: 'good' },
      { md5: listedButMissing, relpath: 'lost' },
    ]);
    const progress: number[] = [];
    const report = await store.verify({ expected: [dir.id, bad.md5, missing], onProgress: (p) => progress.push(p.objects) });
    expect(report.checked).toBe(3);
    expect(report.corrupt).toEqual([{ id: bad.md5, actualMd5: (error as CorruptObjectError).actualMd5 }]);
    expect(report.missing).toEqual([listedButMissing, missing]);
    expect(progress.at(-1)).toBe(3);
  });
});

describe('ContentStore manifests', () => {
  it.each(Object.entries(DVC_DIR_FIXTURES))('stores %s under the id DVC gives it, as <md5>.dir', async (_source, fixture) => {
    const store = await freshStore();
    const entries = [];
    for (const [relpath, content] of Object.entries(fixture.files)) entries.push({ md5: (await store.put([Buffer.from(content)])).md5, relpath });
    const manifest = await store.putManifest(entries);
    expect(manifest.id).toBe(fixture.id);
    expect(existsSync(join(store.root, 'files', 'md5', fixture.id.slice(0, 2), fixture.id.slice(2)))).toBe(true);
    expect(await store.readManifest(fixture.id)).toEqual(manifest.entries);
    expect((await store.putManifest(entries)).created).toBe(false);
  });
});

describe('ContentStore.gc', () => {
  it('removes only unreferenced objects and stale temp files', async () => {
    const store = await freshStore();
    const a = await store.put([Buffer.from('a')]);
    const b = await store.put([Buffer.from('bb')]);
    const c = await store.put([Buffer.from('ccc')]);
    const lone = await store.put([Buffer.from('lone')]);
    const dir = await store.putManifest([
      { md5: a.md5, relpath: 'x/a' },
      { md5: b.md5, relpath: 'b' },
    ]);
    const stale = join(store.tempDir, 'stale.tmp');
    const fresh = join(store.tempDir, 'fresh.tmp');
    writeFileSync(stale, 'xxxxx');
    writeFileSync(fresh, 'yy');
    const hourAgo = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    utimesSync(stale, hourAgo, hourAgo);

    const report = await store.gc(new Set([dir.id, lone.md5]));
    expect(report.removed).toEqual([c.md5]);
    expect(report.removedTemp).toEqual(['stale.tmp']);
    expect(report.bytesFreed).toBe(3 + 5);
    expect((await ids(store)).sort()).toEqual([a.md5, b.md5, dir.id, lone.md5].sort());
    expect(existsSync(fresh)).toBe(true);
  });

  it('deletes nothing when a referenced manifest is missing', async () => {
    const store = await freshStore();
    const a = await store.put([Buffer.from('a')]);
    await expect(store.gc(['0'.repeat(32) + '.dir'])).rejects.toBeInstanceOf(GcRefusedError);
    expect(await ids(store)).toEqual([a.md5]);
  });
});

describe('crash in the middle of a put', () => {
  it('leaves no object, only a temp file that cleanTemp removes', async () => {
    const store = await freshStore();
    const script = join(base, 'put-child.mjs');
    buildSync({ entryPoints: [join(__dirname, 'put-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: script, logLevel: 'silent' });
    const child = spawn(process.execPath, [script, store.root], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      child.stdout.on('data', (data: Buffer) => {
        const last = /progress (\d+)\n$/.exec(data.toString());
        if (last && Number(last[1]) >= 16 * 1024 * 1024) resolve();
      });
    });
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await ids(store)).toEqual([]);
    const temps = readdirSync(store.tempDir);
    expect(temps).toHaveLength(1);
    expect(statSync(join(store.tempDir, temps[0]!)).size).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(await store.cleanTemp()).toEqual(temps);
    expect(readdirSync(store.tempDir)).toEqual([]);
    expect(await ids(store)).toEqual([]);
  });
});
