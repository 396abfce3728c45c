import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDataset } from '../../../../backend/src/client/data-upload.js';
import { ApiClient } from '../../../../backend/src/client/index.js';
import { startBackend, type BackendProcess } from '../../../fixtures/backend-process.js';
import { storeListing } from './helpers.js';

/** Resolves once `path` holds at least `bytes` bytes, watching it rather than polling. */
function waitForSize(path: string, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const big = statSync(path).size >= bytes;
      if (big) {
        watcher.close();
        resolve();
      }
      return big;
    };
    const watcher = watch(path, () => void check());
    check();
  });
}

/** About 20 MB of CSV: three chunks of 8 MiB. */
function bigCsv(path: string): void {
  const rows = ['id,name,value'];
  for (let i = 0; rows.length * 20 < 20_000_000; i++) rows.push(`${i},name ${i % 977},${(i * 0.37).toFixed(3)}`);
  writeFileSync(path, `${rows.join('\n')}\n`);
}

describe('a backend killed in the middle of an upload', () => {
  const backends: BackendProcess[] = [];
  afterAll(async () => {
    for (const b of backends) await b.stop();
  });

  it('leaves no version and no stray object or temp file after restart, and the upload resumes from the committed offset', async () => {
    const first = await startBackend();
    backends.push(first);
    const file = join(mkdtempSync(join(tmpdir(), 'mlwb-crash-')), 'big.csv');
    bigCsv(file);
    const bytes = readFileSync(file);
    let client = new ApiClient({ url: first.url, token: first.token });
    const session = await client.call('createUpload', { body: { size: bytes.length, fileName: 'big.csv' } });
    const { chunkSize } = session;

    const one = await fetch(`${first.url}/api/v1/dataset-uploads/${session.id}?offset=0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes.subarray(0, chunkSize)),
    });
    expect(one.status).toBe(200);

    // the second chunk is half sent when the backend dies
    const url = new URL(`${first.url}/api/v1/dataset-uploads/${session.id}?offset=${chunkSize}`);
    const req = request(url, { method: 'PUT', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/octet-stream', 'content-length': String(chunkSize) } });
    req.on('error', () => undefined);
    req.write(bytes.subarray(chunkSize, chunkSize + 1024 * 1024));
    await waitForSize(join(first.dataDir, 'uploads', session.id, 'data'), chunkSize + 1);
    await first.stop('SIGKILL');
    await client.close();
    // what a kill between storing content and recording its version leaves: an unreferenced object and a temp file
    const orphan = Buffer.from('stored, never recorded\n');
    const md5 = createHash('md5').update(orphan).digest('hex');
    mkdirSync(join(first.dataDir, 'datasets', 'files', 'md5', md5.slice(0, 2)), { recursive: true });
    writeFileSync(join(first.dataDir, 'datasets', 'files', 'md5', md5.slice(0, 2), md5.slice(2)), orphan);
    writeFileSync(join(first.dataDir, 'datasets', 'tmp', `${process.pid}-half.tmp`), 'half');

    const second = await startBackend({ dataDir: first.dataDir, adminToken: first.token });
    backends.push(second);
    client = new ApiClient({ url: second.url, token: second.token });
    try {
      expect((await client.call('getUpload', { params: { id: session.id } })).offset).toBe(chunkSize);
      expect((await client.call('listDatasets')).datasets).toEqual([]);
      expect(await storeListing(second.dataDir)).toEqual({ objects: [], temp: [], uploads: [session.id] });

      const progress: number[] = [];
      const version = await addDataset(client, file, { name: 'big' }, { uploadId: session.id, onProgress: (p) => p.phase === 'uploading' && progress.push(p.bytes) });
      // resumed: bytes counted on from the committed offset (progress includes the chunk in flight), the first chunk not sent again
      expect(progress[0]).toBeGreaterThan(chunkSize);
      expect(Math.min(...progress)).toBeGreaterThan(chunkSize);
      expect(version).toMatchObject({ ref: 'big@v1', totalSize: bytes.length, contentHash: createHash('md5').update(bytes).digest('hex'), profiled: true });
      const after = await storeListing(second.dataDir);
      expect(after.objects).toHaveLength(1);
      expect(after.uploads).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
