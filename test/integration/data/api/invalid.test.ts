import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type BackendProcess } from '../../../fixtures/backend-process.js';
import { api, storeListing, tarOf, uploadBytes } from './helpers.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e5b6a30000000049454e44ae426082', 'hex');

async function parquetBytes(): Promise<Buffer> {
  const path = join(mkdtempSync(join(tmpdir(), 'mlwb-pq-')), 't.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT range AS id, 'v' || range AS name FROM range(5000)) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  return readFileSync(path);
}

interface Case {
  what: string;
  fileName: string;
  bytes: () => Buffer | Promise<Buffer>;
  kind?: 'file' | 'tar';
  /** What the answer's problem must say. */
  problem: RegExp;
  line?: number;
  path?: string;
}

const text = (s: string) => (): Buffer => Buffer.from(s);

const CASES: Case[] = [
  { what: 'an empty file', fileName: 'empty.csv', bytes: text(''), problem: /empty/ },
  { what: 'a PNG named .csv', fileName: 'data.csv', bytes: () => PNG, problem: /named \.csv.*PNG|png/i },
  { what: 'an unterminated quote', fileName: 'q.csv', bytes: text('a,b\n1,2\n3,"x\n4,5\n'), problem: /quote/, line: 3 },
  { what: 'a ragged CSV row', fileName: 'r.csv', bytes: text('a,b\n1,2\n3,4,5\n'), problem: /field|column/i, line: 3 },
  { what: 'invalid UTF-8 in a CSV', fileName: 'u.csv', bytes: () => Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]), problem: /UTF-8/ },
  { what: 'a truncated Parquet file', fileName: 't.parquet', bytes: async () => (await parquetBytes()).subarray(0, 300), problem: /parquet|Parquet|magic|truncat|footer|not a format/i },
  { what: 'binary junk', fileName: 'junk.bin', bytes: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), problem: /binary|not a format/ },
  { what: 'a broken JSON Lines record', fileName: 'l.jsonl', bytes: text('{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n'), problem: /JSON/, line: 3 },
  { what: 'truncated JSON', fileName: 'd.json', bytes: text('{"rows": [1, 2, 3'), problem: /JSON/ },
  { what: 'an .xlsx that is not a zip', fileName: 'book.xlsx', bytes: text('name,value\na,1\n'), problem: /xlsx|Excel/ },
  { what: 'JSON named .csv', fileName: 'j.csv', bytes: text('{"a": 1, "b": [1, 2]}\n'), problem: /\.csv/ },
  { what: 'text named .pth', fileName: 'model.pth', bytes: text('definitely not a checkpoint\n'), problem: /\.pth/ },
  { what: 'a PDF', fileName: 'paper.pdf', bytes: text('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), problem: /pdf|not a format/i },
  { what: 'text named .wav', fileName: 'sound.wav', bytes: text('hello\n'), problem: /\.wav/ },
  { what: 'a ragged TSV row', fileName: 't.tsv', bytes: text('a\tb\n1\t2\n3\n'), problem: /field|column/i, line: 3 },
  { what: 'a GIF (a format we do not read)', fileName: 'x.gif', bytes: () => Buffer.from('474946383961010001000000002c00000000010001000002', 'hex'), problem: /gif|not a format/i },
  { what: 'a malformed CSV inside a folder', fileName: 'folder', kind: 'tar', bytes: () => tarOf([{ name: 'ok.txt', content: 'fine\n' }, { name: 'sub/bad.csv', content: 'a,b\n1,"2\n' }]), problem: /quote/, path: 'sub/bad.csv', line: 2 },
  { what: 'a truncated tar archive', fileName: 'folder', kind: 'tar', bytes: async () => (await tarOf([{ name: 'a.txt', content: 'x'.repeat(3000) }])).subarray(0, 1200), problem: /tar archive/ },
  { what: 'an empty folder', fileName: 'folder', kind: 'tar', bytes: () => tarOf([{ name: 'sub/', type: 'directory' }]), problem: /no files/ },
];

const TRAVERSAL: { what: string; entries: Parameters<typeof tarOf>[0]; problem: RegExp }[] = [
  { what: "'..' climbing out", entries: [{ name: '../evil.txt', content: 'x' }], problem: /\.\./ },
  { what: "'..' in the middle", entries: [{ name: 'a/../../evil.txt', content: 'x' }], problem: /\.\./ },
  { what: 'an absolute path', entries: [{ name: '/etc/evil.txt', content: 'x' }], problem: /absolute/ },
  { what: 'a symlink', entries: [{ name: 'link', type: 'symlink', linkname: '/etc/passwd' }], problem: /symlink/ },
  { what: 'a hard link', entries: [{ name: 'a.txt', content: 'x' }, { name: 'hard', type: 'link', linkname: 'a.txt' }], problem: /link/ },
  { what: 'a backslash path', entries: [{ name: '..\\evil.txt', content: 'x' }], problem: /backslash/ },
];

describe('invalid data is refused with 4xx naming the problem, and the store is unchanged', () => {
  let backend: BackendProcess;

  beforeAll(async () => {
    backend = await startBackend();
    // one good version, so "unchanged" means more than "empty"
    const ok = await uploadBytes(backend, { fileName: 'good.csv', bytes: Buffer.from('a,b\n1,2\n'), name: 'good' });
    expect(ok.status).toBe(201);
  });
  afterAll(async () => {
    await backend.stop();
  });

  it.each(CASES)('$what → 422 invalid_data', async (c) => {
    const before = await storeListing(backend.dataDir);
    const answer = await uploadBytes(backend, { fileName: c.fileName, bytes: await c.bytes(), name: 'bad', kind: c.kind ?? 'file' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.error?.code).toBe('invalid_data');
    const details = answer.body.error?.details as { problem: string; line?: number; byte?: number; path?: string };
    expect(details.problem).toMatch(c.problem);
    if (c.line !== undefined) expect(details.line).toBe(c.line);
    if (c.line !== undefined) expect(details.byte).toBeTypeOf('number');
    if (c.path !== undefined) expect(details.path).toBe(c.path);
    expect(await storeListing(backend.dataDir)).toEqual(before);
    expect((await api(backend, 'GET', '/api/v1/datasets/bad')).status).toBe(404);
  });

  it.each(TRAVERSAL)('archive entry with $what → 422 naming the entry, nothing stored', async (c) => {
    const before = await storeListing(backend.dataDir);
    const answer = await uploadBytes(backend, { fileName: 'folder', bytes: await tarOf([{ name: 'first.txt', content: 'stored before the bad entry\n' }, ...c.entries]), name: 'evil', kind: 'tar' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.error?.message).toMatch(c.problem);
    expect(await storeListing(backend.dataDir)).toEqual(before);
  });

  it.each(['../x', '..', 'a/b', '/abs', 'CON', 'Upper', 'dot.', '-x', ''])('dataset name %j → 400 naming body.name', async (name) => {
    const answer = await uploadBytes(backend, { fileName: 'good.csv', bytes: Buffer.from('a\n1\n'), name });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.error?.details)).toContain('body.name');
    if (answer.uploadId) await api(backend, 'DELETE', `/api/v1/dataset-uploads/${answer.uploadId}`);
  });

  it.each(['../x.csv', 'a/b.csv', '..', 'x\u0000.csv'])('upload file name %j → 400 naming body.fileName', async (fileName) => {
    const answer = await api(backend, 'POST', '/api/v1/dataset-uploads', { size: 1, fileName });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.error?.details)).toContain('body.fileName');
  });

  it('refuses chunks past the announced size or ahead of the committed offset', async () => {
    const created = await api(backend, 'POST', '/api/v1/dataset-uploads', { size: 4, fileName: 'x.csv' });
    const id = created.body.id as string;
    const put = (offset: number, bytes: string) =>
      fetch(`${backend.url}/api/v1/dataset-uploads/${id}?offset=${offset}`, { method: 'PUT', headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect((await put(0, 'a\n1\nxx')).status).toBe(400);
    const ahead = await put(2, 'a\n');
    expect(ahead.status).toBe(409);
    expect(((await ahead.json()) as { error: { details: { offset: number } } }).error.details.offset).toBe(0);
    expect((await api(backend, 'GET', `/api/v1/dataset-uploads/${id}`)).body.offset).toBe(0);
    const early = await api(backend, 'POST', `/api/v1/dataset-uploads/${id}/complete`, { name: 'x' });
    expect(early.status).toBe(409);
  });
});
