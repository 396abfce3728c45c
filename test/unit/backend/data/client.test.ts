import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backoff, sleep } from '../../../../backend/src/client/backoff.js';
import { checkoutLayout, writeVersion } from '../../../../backend/src/client/data-checkout.js';
import { ApiClient, ApiError } from '../../../../backend/src/client/index.js';
import type { VersionDetail } from '../../../../backend/src/protocol/index.js';
import { datasetVersion, profile } from '../../../fixtures/datasets/views.js';

// The client's dataset helpers (one implementation for the CLI and the editor): the back-off of a
// resumed upload, where a checkout puts a version, and that a checkout whose bytes do not match
// leaves the workspace as it was. Uploads and good checkouts run against the real backend in
// test/integration/extension/datasets.test.ts and test/integration/data/.

const MD5_A = '0cc175b9c0f1b6a831c399e269772661'; // md5('a')
const MD5_B = '92eb5ffee6ae2fec3ad71c777531578f'; // md5('b')

function fileVersion(files = [{ path: 'iris.csv', md5: MD5_A, size: 1 }]): VersionDetail {
  return { ...datasetVersion({ ref: 'iris@v3', contentHash: MD5_A, totalSize: 1 }), files, profile: profile() };
}

function folderVersion(files = [{ path: 'a.txt', md5: MD5_A, size: 1 }, { path: 'sub/b.txt', md5: MD5_B, size: 1 }]): VersionDetail {
  const v = datasetVersion({ ref: 'letters@v2', kind: 'folder', format: 'folder', fileCount: files.length, totalSize: 2, contentHash: `${'e'.repeat(32)}.dir` });
  return { ...v, files, profile: null };
}

describe('Backoff', () => {
  it('waits between tries and gives the last failure back once its tries are spent', async () => {
    const backoff = new Backoff({ firstMs: 1, maxMs: 2, giveUpMs: 60_000, maxTries: 3 });
    const failure = new Error('busy');
    for (let i = 0; i < 3; i++) await backoff.wait(failure);
    await expect(backoff.wait(failure)).rejects.toBe(failure);
  });

  it('gives up when the next wait would pass the time limit', async () => {
    const backoff = new Backoff({ firstMs: 50, maxMs: 50, giveUpMs: 10, maxTries: 100 });
    await expect(backoff.wait(new Error('cut'))).rejects.toThrow('cut');
  });

  it('ends a wait as soon as the signal aborts (a 10 s wait would outlast the test timeout)', async () => {
    const abort = new AbortController();
    const waiting = sleep(10_000, abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await expect(new Backoff().wait(new Error('x'), abort.signal)).rejects.toThrow('cancelled');
  });
});

describe('checkoutLayout', () => {
  it('puts a file version in <to>/<name>/ with <file>.dvc next to it, as dvc add writes it', () => {
    const layout = checkoutLayout(fileVersion(), '/ws/data/raw');
    expect(layout.target).toBe(join('/ws/data/raw', 'iris', 'iris.csv'));
    expect(layout.dvcFile).toBe(join('/ws/data/raw', 'iris', 'iris.csv.dvc'));
    expect(layout.dvcText).toBe(`outs:\n- md5: ${MD5_A}\n  size: 1\n  hash: md5\n  path: iris.csv\n`);
  });

  it('puts a folder version in <to>/<name>/ with <name>.dvc beside it, holding the .dir hash', () => {
    const layout = checkoutLayout(folderVersion(), '/ws/data/raw');
    expect(layout.target).toBe(join('/ws/data/raw', 'letters'));
    expect(layout.dvcText).toBe(`outs:\n- md5: ${'e'.repeat(32)}.dir\n  size: 2\n  nfiles: 2\n  hash: md5\n  path: letters\n`);
  });

  it('refuses a file version whose path would leave the folder, or that holds other than one file', () => {
    expect(() => checkoutLayout(fileVersion([{ path: '../escape.csv', md5: MD5_A, size: 1 }]), '/ws')).toThrow(/\.\./);
    expect(() => checkoutLayout(fileVersion([]), '/ws')).toThrow(/0 files/);
  });
});

describe('writeVersion against a backend that sends the wrong bytes', () => {
  let server: Server;
  let client: ApiClient;
  beforeAll(async () => {
    // answers every file with 'b': right for sub/b.txt, wrong for a.txt
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('b'));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    client = new ApiClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' });
  });
  afterAll(async () => {
    await client.close();
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('fails on the md5 and leaves what was checked out before untouched, with no staging left', async () => {
    const to = join(mkdtempSync(join(tmpdir(), 'mlwb-client-checkout-')), 'data', 'raw');
    mkdirSync(join(to, 'letters'), { recursive: true });
    writeFileSync(join(to, 'letters', 'a.txt'), 'old');
    writeFileSync(join(to, 'letters.dvc'), 'old dvc');
    await expect(writeVersion(client, folderVersion(), { to })).rejects.toThrow(/a\.txt arrived with md5/);
    expect(readFileSync(join(to, 'letters', 'a.txt'), 'utf8')).toBe('old');
    expect(readFileSync(join(to, 'letters.dvc'), 'utf8')).toBe('old dvc');
    expect(readdirSync(to).sort()).toEqual(['letters', 'letters.dvc']);
  });

  it('refuses to replace a target it did not check out unless forced, then writes it with its .dvc file', async () => {
    const to = join(mkdtempSync(join(tmpdir(), 'mlwb-client-checkout-')), 'data', 'raw');
    const version = fileVersion([{ path: 'b.txt', md5: MD5_B, size: 1 }]);
    mkdirSync(join(to, 'iris'), { recursive: true });
    writeFileSync(join(to, 'iris', 'b.txt'), 'mine');
    await expect(writeVersion(client, version, { to })).rejects.toThrow(/was not checked out by ML Workbench/);
    const progress: number[] = [];
    const result = await writeVersion(client, version, { to, force: true, onProgress: (p) => progress.push(p.bytes) });
    expect(readFileSync(result.target, 'utf8')).toBe('b');
    expect(existsSync(result.dvcFile)).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(readdirSync(join(to, 'iris')).sort()).toEqual(['b.txt', 'b.txt.dvc']);
  });

  it('reports an unreachable backend as an ApiError', async () => {
    const gone = new ApiClient({ url: 'http://127.0.0.1:1', token: 't' });
    const to = mkdtempSync(join(tmpdir(), 'mlwb-client-checkout-'));
    await expect(writeVersion(gone, folderVersion(), { to })).rejects.toBeInstanceOf(ApiError);
    expect(readdirSync(to)).toEqual([]);
    await gone.close();
  });
});
