import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { buildPath, type ClientOptions } from '../../../backend/src/client/index.js';
import { rawDataRoutes, type VersionFile } from '../../../backend/src/protocol/index.js';

/**
 * Streams one file of version `name@vNumber` (the raw `versionFile` route) into `dest`, hashing it on
 * the way; a file whose md5 is not the one the version lists is an error (the backend cuts a corrupt
 * blob's stream, and this makes sure a cut one is never taken for whole).
 */
export async function downloadVersionFile(
  /** The connected client's URL, token and CA (`ApiClient.options`). */
  options: ClientOptions,
  version: { name: string; number: number },
  file: VersionFile,
  dest: string,
  onBytes: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const route = rawDataRoutes.versionFile;
  const url = new URL(buildPath(route.path, version), options.url);
  url.searchParams.set('path', file.path);
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const dispatcher = options.ca ? new Agent({ connect: { ca: options.ca } }) : undefined;
  try {
    await save(await request(url, { method: route.method, headers, dispatcher, signal }), file, dest, onBytes);
  } catch (error) {
    if (error instanceof Error && !error.message.includes(file.path)) error.message = `cannot download ${file.path} of ${version.name}@v${version.number}: ${error.message}`;
    throw error;
  } finally {
    await dispatcher?.close();
  }
}

async function save(res: Dispatcher.ResponseData, file: VersionFile, dest: string, onBytes: (bytes: number) => void): Promise<void> {
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    throw new Error(`${file.path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  }
  const hash = createHash('md5');
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  await pipeline(res.body, count, createWriteStream(dest));
  const md5 = hash.digest('hex');
  if (md5 !== file.md5) throw new Error(`${file.path} arrived with md5 ${md5}, but the version lists ${file.md5}: not written`);
}
