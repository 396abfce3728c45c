import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDataset } from '../../../../backend/src/client/data-upload.js';
import { checkoutVersion } from '../../../../backend/src/client/data-checkout.js';
import { ApiClient, ApiError, EventStream } from '../../../../backend/src/client/index.js';
import { parseDvcFile } from '../../../../backend/src/data/store/dvcfile.js';
import { DatasetVersion, type ServerEvent } from '../../../../backend/src/protocol/index.js';
import { startBackend, type BackendProcess } from '../../../fixtures/backend-process.js';
import { workbook } from '../../../unit/data/inspect/builders.js';
import { api, storeListing, uploadBytes } from './helpers.js';

const V1 = 'id,name,score\n1,ada,2.5\n2,bob,3.5\n3,"cy, d",\n';
const V2 = 'id,name,score,extra\n1,ada,2.5,x\n2,bob,9.5,y\n4,eve,1,z\n';

describe('datasets over the real backend', () => {
  let backend: BackendProcess;
  let client: ApiClient;
  let work: string;

  beforeAll(async () => {
    backend = await startBackend();
    client = new ApiClient({ url: backend.url, token: backend.token });
    work = mkdtempSync(join(tmpdir(), 'mlwb-data-'));
  });
  afterAll(async () => {
    await client.close();
    await backend.stop();
  });

  it('adds versions, refuses a duplicate with 409 naming the existing one, and adds it with force', async () => {
    writeFileSync(join(work, 'iris.csv'), V1);
    const progress: number[] = [];
    const v1 = await addDataset(client, join(work, 'iris.csv'), { name: 'iris', message: 'first' }, { onProgress: (p) => progress.push(p.bytes) });
    expect(v1).toMatchObject({ ref: 'iris@v1', number: 1, parent: null, kind: 'file', format: 'csv', profiled: true, totalSize: V1.length, message: 'first', step: { kind: 'upload' } });
    expect(progress).toContain(V1.length);
    expect(v1.contentHash).toBe(execFileSync('md5sum', [join(work, 'iris.csv')]).toString().split(' ')[0]);

    const dup = await addDataset(client, join(work, 'iris.csv'), { name: 'iris' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ApiError);
    expect((dup as ApiError).status).toBe(409);
    expect(DatasetVersion.parse((dup as ApiError).details.existing).ref).toBe('iris@v1');

    const forced = await addDataset(client, join(work, 'iris.csv'), { name: 'iris', force: true });
    expect(forced).toMatchObject({ ref: 'iris@v2', parent: 'iris@v1', contentHash: v1.contentHash });

    const detail = await client.call('getVersion', { params: { name: 'iris', number: 1 } });
    expect(detail.files).toEqual([{ path: 'iris.csv', md5: v1.contentHash, size: V1.length }]);
    expect(detail.profile).toMatchObject({ rowCount: 3, columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'score', nullCount: 1 }] });
  });

  it('diffs two tables by key, restores an old version as the latest, deletes and collects', async () => {
    writeFileSync(join(work, 'iris.csv'), V2);
    const v3 = await addDataset(client, join(work, 'iris.csv'), { name: 'iris', message: 'new column' });
    expect(v3.ref).toBe('iris@v3');

    const diff = await client.call('diffVersions', { params: { name: 'iris' }, query: { from: 1, to: 3, key: 'id' } });
    expect(diff.kind).toBe('tabular');
    if (diff.kind !== 'tabular') return;
    expect(diff.diff.schema.added.map((c) => c.name)).toEqual(['extra']);
    expect(diff.diff.rows).toMatchObject({ mode: 'key', key: 'id', added: 1, removed: 1, changed: 1, unchanged: 1 });
    const badKey = await api(backend, 'GET', '/api/v1/datasets/iris/diff?from=1&to=3&key=nope');
    expect(badKey.status).toBe(422);

    const restored = await client.call('restoreVersion', { params: { name: 'iris', number: 1 }, body: {} });
    expect(restored).toMatchObject({ ref: 'iris@v4', parent: 'iris@v3', step: { kind: 'restore', params: { from: 'iris@v1' } } });
    const versions = (await client.call('listVersions', { params: { name: 'iris' } })).versions.map((v) => v.ref);
    expect(versions).toEqual(['iris@v4', 'iris@v3', 'iris@v2', 'iris@v1']);

    const v3Object = `/datasets/files/md5/${v3.contentHash.slice(0, 2)}/${v3.contentHash.slice(2)}`;
    expect((await storeListing(backend.dataDir)).objects).toContain(v3Object);
    await client.call('deleteVersion', { params: { name: 'iris', number: 3 } });
    expect((await storeListing(backend.dataDir)).objects).not.toContain(v3Object);
    // v1's content is shared by v2 and v4: deleting v1 keeps it
    await client.call('deleteVersion', { params: { name: 'iris', number: 1 } });
    expect((await storeListing(backend.dataDir)).objects).toHaveLength(1);
    const gone = await api(backend, 'GET', '/api/v1/datasets/iris/versions/3');
    expect(gone.status).toBe(404);

    // numbers are never reused
    expect((await addDataset(client, join(work, 'iris.csv'), { name: 'iris' })).ref).toBe('iris@v5');
    const gc = await client.call('gcDatasets');
    expect(gc).toMatchObject({ removedObjects: 0, keptObjects: 2 });
  });

  it('adds a folder, diffs folders by file, checks out with a .dvc file whose md5s equal md5sum', async () => {
    const folder = join(work, 'images');
    mkdirSync(join(folder, 'train'), { recursive: true });
    writeFileSync(join(folder, 'train', 'a.txt'), 'alpha\n');
    writeFileSync(join(folder, 'labels.csv'), 'file,label\na.txt,1\n');
    const v1 = await addDataset(client, folder, { name: 'images' });
    expect(v1).toMatchObject({ kind: 'folder', format: 'folder', fileCount: 2, profiled: false });
    expect(v1.contentHash).toMatch(/^[0-9a-f]{32}\.dir$/);

    writeFileSync(join(folder, 'train', 'a.txt'), 'alpha 2\n');
    writeFileSync(join(folder, 'train', 'b.txt'), 'beta\n');
    await addDataset(client, folder, { name: 'images' });
    const diff = await client.call('diffVersions', { params: { name: 'images' }, query: { from: 1, to: 2 } });
    expect(diff.kind).toBe('folder');
    if (diff.kind !== 'folder') return;
    expect(diff.diff.added.map((f) => f.relpath)).toEqual(['train/b.txt']);
    expect(diff.diff.modified.map((f) => f.relpath)).toEqual(['train/a.txt']);
    expect(diff.diff.unchanged).toBe(1);

    const ws = join(work, 'ws');
    const out = await checkoutVersion(client, 'images', 2, { to: join(ws, 'data', 'raw') });
    expect(out.target).toBe(join(ws, 'data', 'raw', 'images'));
    const dvc = parseDvcFile(readFileSync(out.dvcFile, 'utf8'));
    expect(dvc.outs[0]).toMatchObject({ md5: (await client.call('getVersion', { params: { name: 'images', number: 2 } })).contentHash, nfiles: 3, hash: 'md5', path: 'images' });
    expect(readFileSync(out.dvcFile, 'utf8')).toMatch(/^outs:\n- md5: [0-9a-f]{32}\.dir\n {2}size: \d+\n {2}nfiles: 3\n {2}hash: md5\n {2}path: images\n$/);
    expect(readFileSync(join(out.target, 'train', 'b.txt'), 'utf8')).toBe('beta\n');

    // a file version: the .dvc file's md5 is md5sum of the checked-out file
    const file = await checkoutVersion(client, 'iris', 5, { to: join(ws, 'data', 'raw') });
    const md5sum = execFileSync('md5sum', [file.target]).toString().split(' ')[0];
    expect(readFileSync(file.dvcFile, 'utf8')).toBe(`outs:\n- md5: ${md5sum}\n  size: ${V2.length}\n  hash: md5\n  path: iris.csv\n`);

    // checking out another version replaces it; a folder we did not write is refused without --force
    await checkoutVersion(client, 'images', 1, { to: join(ws, 'data', 'raw') });
    expect(() => readFileSync(join(ws, 'data', 'raw', 'images', 'train', 'b.txt'))).toThrow();
    mkdirSync(join(ws, 'other', 'images'), { recursive: true });
    await expect(checkoutVersion(client, 'images', 1, { to: join(ws, 'other') })).rejects.toThrow(/not checked out by ML Workbench/);
  });

  it('serves a version file verified: a corrupted object is refused (503 corrupt_blob) or cut short, and verify names it', async () => {
    const detail = await client.call('getVersion', { params: { name: 'iris', number: 5 } });
    const ok = await fetch(`${backend.url}/api/v1/datasets/iris/versions/5/file?path=iris.csv`, { headers: { authorization: `Bearer ${backend.token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-mlwb-md5')).toBe(detail.contentHash);
    expect(await ok.text()).toBe(V2);

    const object = join(backend.dataDir, 'datasets', 'files', 'md5', detail.contentHash.slice(0, 2), detail.contentHash.slice(2));
    chmodSync(object, 0o644);
    writeFileSync(object, V2.replace('eve', 'EVE')); // same size, other bytes
    // the hash fails at the end: the connection is cut (before or after the headers), never a complete answer
    const cut = fetch(`${backend.url}/api/v1/datasets/iris/versions/5/file?path=iris.csv`, { headers: { authorization: `Bearer ${backend.token}` } }).then((r) => r.text());
    await expect(cut).rejects.toThrow();
    writeFileSync(object, 'short');
    const refused = await api(backend, 'GET', '/api/v1/datasets/iris/versions/5/file?path=iris.csv');
    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('corrupt_blob');
    const report = await client.call('verifyDatasets');
    expect(report.corrupt).toEqual([{ object: detail.contentHash, versions: ['iris@v5'] }]);
    writeFileSync(object, V2);
    expect((await client.call('verifyDatasets')).corrupt).toEqual([]);
  });

  it("hides one user's datasets from another (404), keeps gc for admins and tells subscribers", async () => {
    const user = await client.call('createUser', { body: { name: 'data-user' } });
    const token = await client.call('createToken', { body: { name: 'd', userId: user.id } });
    const other = new ApiClient({ url: backend.url, token: token.token });
    try {
      expect((await other.call('listDatasets')).datasets).toEqual([]);
      await expect(other.call('getVersion', { params: { name: 'iris', number: 5 } })).rejects.toMatchObject({ status: 404 });
      await expect(other.call('deleteVersion', { params: { name: 'iris', number: 5 } })).rejects.toMatchObject({ status: 404 });
      await expect(other.call('gcDatasets')).rejects.toMatchObject({ status: 403 });
      // the same name is theirs to use
      const theirs = await uploadBytes(backend, { fileName: 'iris.csv', bytes: Buffer.from(V1), name: 'iris' }, token.token);
      expect(theirs.body).toMatchObject({ ref: 'iris@v1', creator: 'data-user' });
    } finally {
      await other.close();
    }
    const { items } = await client.call('listAudit', { query: { limit: 100 } });
    for (const action of ['dataset.add', 'dataset.restore', 'dataset.delete', 'dataset.gc']) expect(items.some((e) => e.action === action && e.result === 'ok')).toBe(true);
  });

  it('publishes dataset and version events on topic datasets', async () => {
    const stream = new EventStream({ url: backend.url, token: backend.token, topics: ['datasets'] });
    const events: ServerEvent[] = [];
    const datasetCreated = new Promise<void>((res) =>
      stream.on('event', (e) => {
        events.push(e);
        if (e.payload.kind === 'resource.created' && 'resource' in e.payload && e.payload.resource === 'dataset') res();
      }),
    );
    const opened = new Promise<void>((res) => stream.on('state', (s) => s === 'open' && res()));
    stream.start();
    await opened;
    writeFileSync(join(work, 'events.csv'), 'a\n1\n');
    const v = await addDataset(client, join(work, 'events.csv'), { name: 'events' });
    await datasetCreated;
    stream.close();
    expect(events.map((e) => 'resource' in e.payload && [e.payload.kind, e.payload.resource, e.payload.resourceId])).toEqual([
      ['resource.created', 'dataset-version', v.id],
      ['resource.created', 'dataset', v.datasetId],
    ]);
  });

  it('profiles an Excel workbook added through the API (its first worksheet)', async () => {
    writeFileSync(join(work, 'prices.xlsx'), await workbook({ prices: [['item', 'eur'], ['bolt', 0.1], ['nut', 0.05]], notes: [['ignored']] }));
    const added = await addDataset(client, join(work, 'prices.xlsx'), { name: 'prices' });
    expect(added).toMatchObject({ ref: 'prices@v1', format: 'xlsx', profiled: true });
    const detail = await client.call('getVersion', { params: { name: 'prices', number: 1 } });
    expect(detail.profile).toMatchObject({ format: 'xlsx', rowCount: 2, columns: [{ name: 'item', type: 'string' }, { name: 'eur', type: 'float' }], sample: [['bolt', 0.1], ['nut', 0.05]] });
  });
});
