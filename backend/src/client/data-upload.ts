/**
 * Adding a dataset version from this machine: a file is uploaded as is, a folder as a tar of its
 * regular files (built in the OS temp folder first, so every chunk can be re-read on resume).
 * Uploads go in chunks to a resumable session: after a dropped connection, a 502-504 or a 409 (the
 * backend still holds the cut request's session for a moment, or holds another offset) the client
 * waits with bounded back-off, asks the session for its committed offset and goes on from there.
 * One implementation for the CLI and the editor.
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { pack } from 'tar-stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ErrorBody, rawDataRoutes, UploadSession, type CompleteUploadBody, type DatasetVersion } from '../protocol/index.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffLimits } from './backoff.js';
import { ApiError } from './errors.js';
import { ApiClient, buildPath } from './http.js';

const COMPLETE_TIMEOUT_MS = 60 * 60_000;

export interface UploadProgress {
  /** Bytes sent: those the backend has committed plus those of the chunk in flight (after a drop it goes back to the committed offset). */
  bytes: number;
  total: number;
  /** Average over this run of the upload, in bytes per second. */
  rate: number;
  phase: 'packing' | 'uploading' | 'processing';
}

export interface AddOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Resume this session instead of creating one (it must hold the same content). */
  uploadId?: string;
  /** Back-off between tries of a chunk after a dropped connection or a 409 (then the session stays, resumable, unless `discardOnFailure`). */
  backoff?: Partial<BackoffLimits>;
  /** Cancel the session when sending fails or is aborted (nobody will resume it, e.g. in the editor); never after the bytes are in. */
  discardOnFailure?: boolean;
  /** Ends the upload at once, also during a back-off wait. */
  signal?: AbortSignal;
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

async function errorOf(res: Dispatcher.ResponseData, path: string): Promise<ApiError> {
  const parsed = ErrorBody.safeParse(parseJson(await res.body.text()));
  if (!parsed.success) return new ApiError(res.statusCode, 'bad_response', `HTTP ${res.statusCode} from ${path}`);
  const { code, message, details } = parsed.data.error;
  return new ApiError(res.statusCode, code, message, details?.issues, { details });
}

/** Sends one chunk of `file` (bytes `offset`…`end`) and answers the session the backend returns. */
async function putChunk(client: ApiClient, dispatcher: Dispatcher | undefined, id: string, file: string, offset: number, end: number, onBytes: (n: number) => void, signal?: AbortSignal): Promise<UploadSession> {
  const { url: base, token } = client.options;
  const url = new URL(`${buildPath(rawDataRoutes.uploadChunk.path, { id })}?offset=${offset}`, base);
  const counted = new Transform({ transform: (chunk: Buffer, _encoding, done) => (onBytes(chunk.length), done(null, chunk)) });
  const body = end > offset ? createReadStream(file, { start: offset, end: end - 1 }).pipe(counted) : '';
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', 'content-length': String(end - offset), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
      dispatcher,
      signal,
      headersTimeout: 10 * 60_000,
      bodyTimeout: 10 * 60_000,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(0, 'unreachable', `upload to ${base} interrupted: ${(cause as Error).message}`, [], { cause });
  }
  if (res.statusCode !== 200) throw await errorOf(res, url.pathname);
  return UploadSession.parse(parseJson(await res.body.text()));
}

/** Lists a folder's regular files ('/'-separated paths); a link or special file is refused, not followed. */
async function folderFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
      else throw new Error(`${path} is not a regular file or folder (links are not followed); remove it or copy its target in`);
    }
  };
  await walk(root);
  return out;
}

/** Writes a tar of `folder`'s files to a temp file; answers its path and the folder where it lies (to remove). */
async function tarFolder(folder: string): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwb-upload-'));
  const file = join(dir, 'folder.tar');
  const archive = pack();
  const writing = pipeline(archive, createWriteStream(file));
  for (const name of await folderFiles(folder)) {
    const path = join(folder, ...name.split('/'));
    const { size, mode, mtime } = await stat(path);
    const entry = archive.entry({ name, size, mode: mode & 0o777, mtime, type: 'file' });
    await pipeline(createReadStream(path), entry);
  }
  archive.finalize();
  await writing;
  return { file, dir };
}

/** Whether a failed chunk is worth another try from the committed offset: no answer, a proxy's 502-504, or a 409 (busy, or another offset). */
const retryable = (err: unknown): boolean => err instanceof ApiError && (err.status === 0 || err.status === 409 || (err.status >= 502 && err.status <= 504));

/** After a failed chunk: waits (back-off) and asks where the session really is, until it answers or the back-off is spent. */
async function resync(client: ApiClient, id: string, failure: unknown, backoff: Backoff, signal?: AbortSignal): Promise<UploadSession> {
  let last = failure;
  for (;;) {
    await backoff.wait(last, signal);
    try {
      return await client.call('getUpload', { params: { id } });
    } catch (err) {
      if (signal?.aborted || !retryable(err)) throw err;
      last = err;
    }
  }
}

/** Sends every chunk of `file` from the session's offset; after a failure resumes from the committed offset. */
async function send(client: ApiClient, dispatcher: Dispatcher | undefined, file: string, start: UploadSession, options: AddOptions): Promise<UploadSession> {
  const size = start.size;
  const started = { at: Date.now(), bytes: start.offset };
  const report = (bytes: number): void => {
    const seconds = Math.max((Date.now() - started.at) / 1000, 0.001);
    options.onProgress?.({ bytes, total: size, rate: Math.max(bytes - started.bytes, 0) / seconds, phase: 'uploading' });
  };
  const limits = { ...DEFAULT_BACKOFF, ...options.backoff };
  let session = start;
  let backoff: Backoff | undefined;
  while (session.offset < size || size === 0) {
    const end = Math.min(size, session.offset + session.chunkSize);
    let sent = session.offset;
    try {
      session = await putChunk(client, dispatcher, session.id, file, session.offset, end, (n) => report((sent += n)), options.signal);
      backoff = undefined;
    } catch (err) {
      if (options.signal?.aborted || !retryable(err)) throw err;
      backoff ??= new Backoff(limits);
      session = await resync(client, session.id, err, backoff, options.signal);
    }
    report(session.offset);
    if (size === 0) break;
  }
  return session;
}

/** Creates the session, or takes up `options.uploadId` (which must expect `size` bytes). */
async function open(client: ApiClient, file: string, create: { fileName: string; kind: 'file' | 'tar' }, options: AddOptions): Promise<UploadSession> {
  const size = (await stat(file)).size;
  const session = options.uploadId
    ? await client.call('getUpload', { params: { id: options.uploadId } })
    : await client.call('createUpload', { body: { size, fileName: create.fileName, kind: create.kind } });
  if (session.size !== size) throw new Error(`upload ${session.id} expects ${session.size} bytes, but ${file} holds ${size}`);
  return session;
}

/**
 * Adds `path` (a file or a folder) as the next version of `body.name`. A 409 duplicate comes back
 * as an `ApiError` whose `details.existing` is the existing version; the session is kept, so
 * `options.uploadId` with `force` completes it without sending the bytes again (`error.uploadId`).
 */
export async function addDataset(client: ApiClient, path: string, body: CompleteUploadBody, options: AddOptions = {}): Promise<DatasetVersion> {
  const info = await lstat(path);
  if (!info.isFile() && !info.isDirectory()) throw new Error(`${path} is not a regular file or folder`);
  const { ca } = client.options;
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  let packed: { file: string; dir: string } | undefined;
  try {
    if (info.isDirectory()) {
      options.onProgress?.({ bytes: 0, total: 0, rate: 0, phase: 'packing' });
      packed = await tarFolder(path);
    }
    const file = packed?.file ?? path;
    const opened = await open(client, file, { fileName: basename(path), kind: packed ? 'tar' : 'file' }, options);
    const session = await send(client, dispatcher, file, opened, options).catch(async (err: unknown) => {
      // Nothing will resume it: let the backend drop its bytes now rather than at expiry.
      if (options.discardOnFailure) await client.call('cancelUpload', { params: { id: opened.id } }).catch(() => undefined);
      throw err;
    });
    options.onProgress?.({ bytes: session.size, total: session.size, rate: 0, phase: 'processing' });
    return await complete(client, session.id, body);
  } finally {
    if (packed) await rm(packed.dir, { recursive: true, force: true });
    await dispatcher?.close();
  }
}

/** Completes a session; an error carries `details.uploadId`, so a 409 can be completed again with `force`. */
export async function complete(client: ApiClient, uploadId: string, body: CompleteUploadBody): Promise<DatasetVersion> {
  // Completing hashes and profiles the whole upload on the backend: minutes for a large file, so the client's usual 30 s would give up too early.
  const patient = new ApiClient({ ...client.options, timeoutMs: COMPLETE_TIMEOUT_MS });
  try {
    return await patient.call('completeUpload', { params: { id: uploadId }, body });
  } catch (err) {
    if (err instanceof ApiError) Object.assign(err.details, { uploadId });
    throw err;
  } finally {
    await patient.close();
  }
}
