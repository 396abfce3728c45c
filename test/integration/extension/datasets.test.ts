import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDvcFile } from '../../../backend/src/data/store/dvcfile.js';
import { ApiClient } from '../../../backend/src/client/index.js';
import { checkoutLayout, writeVersion } from '../../../backend/src/client/data-checkout.js';
import type { UploadProgress } from '../../../backend/src/client/data-upload.js';
import { BackendLink } from '../../../extension/src/backend/link.js';
import { addDataset, clientUpload, type AddRequest, type DuplicateChoice } from '../../../extension/src/datasets/addFlow.js';
import { DatasetsModel } from '../../../extension/src/datasets/model.js';
import { PanelSession } from '../../../extension/src/datasets/panelSession.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { startTcpProxy } from '../../fixtures/tcp-proxy.js';
import { is, windowController, type TestWindow } from '../../fixtures/extension/window.js';

// The Datasets view's logic (model, Add Dataset decisions, the client's resumable upload, webview
// sessions, the client's checkout with .dvc files) against the real backend process, through the
// extension's own connection controller and client.

/** Resolves once `check` holds, re-checked on every change of the model. */
function until<T>(model: DatasetsModel, check: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
    const off = model.onDidChange(() => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolvePromise(value);
    });
  });
}

const md5 = (text: string | Buffer): string => createHash('md5').update(text).digest('hex');

describe('Datasets UI logic against the real backend', () => {
  let backend: BackendProcess;
  let window: TestWindow;
  let link: BackendLink;
  let model: DatasetsModel;
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-datasets-ui-'));
  const client = () => window.controller.client!;
  const csv = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const V1 = 'id,length,species\n1,5.1,setosa\n2,4.9,setosa\n3,6.3,virginica\n';
  const V2 = 'id,length,species,source\n1,5.1,setosa,lab\n2,5.9,setosa,lab\n4,7.0,versicolor,field\n';

  async function add(request: AddRequest, answer: DuplicateChoice = undefined, progress: UploadProgress[] = []) {
    const asked: string[] = [];
    const outcome = await addDataset(request, clientUpload(client(), (p) => progress.push(p)), async (existing) => {
      asked.push(existing.ref);
      return answer;
    });
    return { outcome, asked };
  }

  beforeAll(async () => {
    backend = await startBackend();
    window = windowController({ settings: { url: backend.url }, remoteToken: backend.token });
    await window.controller.connect();
    expect(await window.controller.connection.when(is('connected', 'down'))).toMatchObject({ status: 'connected' });
    link = new BackendLink(window.controller);
    model = new DatasetsModel(link);
    await until(model, () => (model.status.status === 'ready' ? true : undefined), 'the first list');
  });

  afterAll(async () => {
    model?.dispose();
    link?.dispose();
    await window?.controller.stop();
    await backend?.stop();
  });

  it('adds a CSV as iris@v1 with progress, and the model shows it from the datasets events', async () => {
    const progress: UploadProgress[] = [];
    const { outcome } = await add({ path: csv('iris.csv', V1), name: 'iris', message: 'first cut' }, undefined, progress);
    expect(outcome).toMatchObject({ kind: 'added', version: { ref: 'iris@v1', format: 'csv', profiled: true, message: 'first cut', totalSize: V1.length } });
    expect(progress.at(-2)).toMatchObject({ phase: 'uploading', bytes: V1.length, total: V1.length });
    expect(progress.at(-1)?.phase).toBe('processing');
    // no upsert by hand: the row comes from the backend's event
    const versions = await until(model, () => (model.versionsOf('iris').length === 1 ? model.versionsOf('iris') : undefined), 'iris@v1 in the model');
    expect(versions[0]!.contentHash).toBe(md5(V1));
    expect(model.items.map((i) => i.dataset.name)).toEqual(['iris']);
  });

  it('on identical content asks; "keep" adds nothing, "force" adds v2 without uploading again', async () => {
    const path = csv('iris-copy.csv', V1);
    const kept = await add({ path, name: 'iris', message: 'again' }, 'keep');
    expect(kept).toMatchObject({ asked: ['iris@v1'], outcome: { kind: 'kept', existing: { ref: 'iris@v1' } } });
    const progress: UploadProgress[] = [];
    const forced = await add({ path, name: 'iris', message: 'same bytes, new number' }, 'force', progress);
    expect(forced).toMatchObject({ asked: ['iris@v1'], outcome: { kind: 'added', version: { ref: 'iris@v2', contentHash: md5(V1) } } });
    // bytes sent once: the forced call only completed the kept session, so nothing follows the first 'processing'
    expect(progress.findIndex((p) => p.phase === 'processing')).toBe(progress.length - 1);
    expect(progress.filter((p) => p.phase === 'uploading').at(-1)?.bytes).toBe(V1.length);
  });

  it('refuses a malformed CSV with the problem, its line and byte, and adds nothing', async () => {
    const { outcome, asked } = await add({ path: csv('broken.csv', 'a,b,c\n1,2,3\n4,5\n'), name: 'broken', message: '' });
    expect(asked).toEqual([]);
    expect(outcome?.kind).toBe('invalid');
    expect(outcome?.kind === 'invalid' && outcome.message).toMatch(/line 3/);
    expect((await client().call('listDatasets')).datasets.map((d) => d.name)).not.toContain('broken');
  });

  it('adds a folder (packed as tar) as a folder version', async () => {
    const folder = join(dir, 'letters');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'a');
    writeFileSync(join(folder, 'sub', 'b.txt'), 'b');
    const { outcome } = await add({ path: folder, name: 'letters', message: '' });
    expect(outcome).toMatchObject({ kind: 'added', version: { ref: 'letters@v1', kind: 'folder', fileCount: 2, totalSize: 2 } });
  });

  it('resumes an upload whose connection is cut in the middle of a chunk, from the offset the backend holds', async () => {
    const size = 20 * 1024 * 1024; // three chunks of the backend's 8 MiB
    const bytes = Buffer.alloc(size, 'x');
    for (let i = 0; i < size; i += 4096) bytes.write(`${i}\n`, i);
    const path = join(dir, 'big.txt');
    writeFileSync(path, bytes);
    const proxy = await startTcpProxy(backend.url);
    const viaProxy = new ApiClient({ url: proxy.url, token: backend.token });
    const progress: UploadProgress[] = [];
    let cut = false;
    try {
      const upload = clientUpload(viaProxy, (p) => {
        progress.push(p);
        if (!cut && p.phase === 'uploading' && p.bytes > 12 * 1024 * 1024) {
          cut = true;
          proxy.cutAll();
        }
      });
      const version = await upload({ path, name: 'big', message: '' }, false);
      expect(version).toMatchObject({ ref: 'big@v1', totalSize: size, contentHash: md5(bytes) });
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
    expect(cut).toBe(true);
    // after the cut, bytes were counted again from the chunk boundary the backend held, not from zero
    const uploading = progress.filter((p) => p.phase === 'uploading').map((p) => p.bytes);
    const dropAt = uploading.findIndex((done, i) => i > 0 && done < uploading[i - 1]!);
    expect(dropAt).toBeGreaterThan(0);
    expect(uploading[dropAt]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(uploading.at(-1)).toBe(size);
  });

  it('Cancel aborts the upload and cancels its session, so the backend drops the bytes at once', async () => {
    const path = join(dir, 'cancelled.txt');
    writeFileSync(path, Buffer.alloc(20 * 1024 * 1024, 'y'));
    const uploads = join(backend.dataDir, 'uploads');
    const before = readdirSync(uploads);
    const abort = new AbortController();
    const upload = clientUpload(client(), (p) => p.phase === 'uploading' && p.bytes > 0 && abort.abort(new Error('cancelled by the user')), abort.signal);
    await expect(upload({ path, name: 'cancelled', message: '' }, false)).rejects.toThrow('cancelled by the user');
    expect(readdirSync(uploads)).toEqual(before);
    expect((await client().call('listDatasets')).datasets.map((d) => d.name)).not.toContain('cancelled');
  });

  it('the profile and diff webview sessions send what the backend answers', async () => {
    await add({ path: csv('iris-v2.csv', V2), name: 'iris', message: 'changed' });
    const v3 = await until(model, () => model.versionsOf('iris').find((v) => v.number === 3), 'iris@v3');
    const posted: unknown[] = [];
    const profile = new PanelSession(
      {
        app: 'dataset-profile',
        loadingTitle: 'Loading…',
        errorTitle: 'Cannot',
        load: async () => {
          const { files: _files, profile: p, ...version } = await client().call('getVersion', { params: { name: 'iris', number: 3 } });
          return { version, profile: p };
        },
      },
      (m) => posted.push(m),
      () => {},
    );
    await profile.receive({ type: 'ready', app: 'dataset-profile' });
    expect(posted.at(-1)).toMatchObject({ type: 'state', state: { version: { ref: 'iris@v3' }, profile: { rowCount: 3, columns: [{ name: 'id' }, { name: 'length' }, { name: 'species' }, { name: 'source' }] } } });

    const v1 = model.versionsOf('iris').find((v) => v.number === 1)!;
    const diffPosted: unknown[] = [];
    const diff = new PanelSession(
      {
        app: 'dataset-diff',
        loadingTitle: 'Comparing…',
        errorTitle: 'Cannot',
        load: async () => ({ before: v1, after: v3, diff: await client().call('diffVersions', { params: { name: 'iris' }, query: { from: 1, to: 3, key: 'id' } }) }),
      },
      (m) => diffPosted.push(m),
      () => {},
    );
    await diff.receive({ type: 'ready', app: 'dataset-diff' });
    expect(diffPosted.at(-1)).toMatchObject({
      type: 'state',
      state: { diff: { kind: 'tabular', diff: { schema: { added: [{ name: 'source' }] }, rows: { mode: 'key', added: 1, removed: 1, changed: 1, unchanged: 1 } } } },
    });
  });

  it('checks a file version and a folder version out with .dvc files DVC reads, the md5s those of the bytes', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlwb-checkout-ws-'));
    for (const [name, number] of [['iris', 1], ['letters', 1]] as const) {
      const detail = await client().call('getVersion', { params: { name, number } });
      const to = join(workspace, 'data', 'raw');
      const plan = checkoutLayout(detail, to);
      const seen: number[] = [];
      await writeVersion(client(), detail, { to, onProgress: (p) => seen.push(p.bytes) });
      expect(seen.at(-1)).toBe(detail.totalSize);
      const out = parseDvcFile(readFileSync(plan.dvcFile, 'utf8')).outs[0]!;
      expect(out).toMatchObject({ md5: detail.contentHash, size: detail.totalSize, hash: 'md5' });
    }
    expect(readFileSync(join(workspace, 'data', 'raw', 'iris', 'iris.csv'), 'utf8')).toBe(V1);
    expect(md5(readFileSync(join(workspace, 'data', 'raw', 'iris', 'iris.csv')))).toBe(md5(V1));
    expect(readFileSync(join(workspace, 'data', 'raw', 'letters', 'sub', 'b.txt'), 'utf8')).toBe('b');
    expect(parseDvcFile(readFileSync(join(workspace, 'data', 'raw', 'letters.dvc'), 'utf8')).outs[0]).toMatchObject({ nfiles: 2, path: 'letters' });
  });

  it('restore makes a new latest version equal to the old one; delete removes a version from the model', async () => {
    const restored = await client().call('restoreVersion', { params: { name: 'iris', number: 1 }, body: { message: 'back to v1' } });
    expect(restored).toMatchObject({ ref: 'iris@v4', contentHash: md5(V1), step: { kind: 'restore' } });
    await until(model, () => model.versionsOf('iris').find((v) => v.number === 4), 'iris@v4 from its event');
    await client().call('deleteVersion', { params: { name: 'iris', number: 2 } });
    await until(model, () => (model.versionsOf('iris').some((v) => v.number === 2) ? undefined : true), 'iris@v2 gone');
    expect(model.versionsOf('iris').map((v) => v.number)).toEqual([4, 3, 1]);
  });
});
