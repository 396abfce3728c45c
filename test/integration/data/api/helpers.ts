import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { BackendProcess } from '../../../fixtures/backend-process.js';

export interface Answer {
  status: number;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown>;
}

async function call(url: string, token: string, method: string, body?: unknown, raw?: Buffer): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (raw !== undefined) headers['content-type'] = 'application/octet-stream';
  const res = await fetch(url, { method, headers, body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

export interface UploadInput {
  fileName: string;
  bytes: Buffer;
  name: string;
  kind?: 'file' | 'tar';
  force?: boolean;
  message?: string;
}

/** Creates a session, sends the bytes in one chunk and completes it; answers the completion (or the first failure). */
export async function uploadBytes(backend: BackendProcess, input: UploadInput, token = backend.token): Promise<Answer & { uploadId?: string }> {
  const created = await call(`${backend.url}/api/v1/dataset-uploads`, token, 'POST', { size: input.bytes.length, fileName: input.fileName, kind: input.kind ?? 'file' });
  if (created.status !== 201) return created;
  const id = created.body.id as string;
  const put = await call(`${backend.url}/api/v1/dataset-uploads/${id}?offset=0`, token, 'PUT', undefined, input.bytes);
  if (put.status !== 200) return { ...put, uploadId: id };
  const done = await call(`${backend.url}/api/v1/dataset-uploads/${id}/complete`, token, 'POST', { name: input.name, message: input.message ?? '', force: input.force ?? false });
  return { ...done, uploadId: id };
}

export const api = (backend: BackendProcess, method: string, path: string, body?: unknown, token = backend.token): Promise<Answer> => call(`${backend.url}${path}`, token, method, body);

/** Every file under the store's `files/md5` and `tmp`, and every upload folder: what "the store is unchanged" compares. */
export async function storeListing(dataDir: string): Promise<{ objects: string[]; temp: string[]; uploads: string[] }> {
  const walk = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
    return nested.flat().sort();
  };
  return {
    objects: (await walk(join(dataDir, 'datasets', 'files', 'md5'))).map((p) => p.slice(dataDir.length)),
    temp: await walk(join(dataDir, 'datasets', 'tmp')),
    uploads: (await readdir(join(dataDir, 'uploads')).catch(() => [])).sort(),
  };
}

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  linkname?: string;
}

/** A tar archive with exactly these entries (names as given, including unsafe ones). */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of Readable.from(archive)) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    if (e.type === 'symlink' || e.type === 'link') archive.entry({ name: e.name, type: e.type, linkname: e.linkname ?? 'target' });
    else if (e.type === 'directory') archive.entry({ name: e.name, type: 'directory' });
    else archive.entry({ name: e.name, type: 'file' }, content ?? Buffer.alloc(0));
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}
