import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ApiError, buildPath, type ApiClient } from '../../../backend/src/client/index.js';
import { ErrorBody, rawDataRoutes, UploadSession, type DatasetVersion } from '../../../backend/src/protocol/index.js';
import type { AddRequest, AddUpload } from './addFlow.js';
import { packFolder } from './tarball.js';

export interface UploadProgress {
  /** `packing`: a folder into a tar; `uploading`: bytes to the backend; `checking`: the backend hashes, validates and profiles. */
  phase: 'packing' | 'uploading' | 'checking';
  done: number;
  total: number;
}

/** Tries per chunk when the connection drops; between tries the session's offset is asked again. */
const ATTEMPTS = 5;
const BACKOFF_MS = [500, 1_000, 2_000, 4_000];

/** What the upload needs of the client: the typed calls, and its URL, token and CA for the raw chunk route. */
export type UploadClient = Pick<ApiClient, 'call' | 'options'>;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** PUTs bytes [offset, end) of `file` as one chunk; answers the session with its new offset. */
async function putChunk(client: UploadClient, dispatcher: Dispatcher | undefined, session: UploadSession, file: string, end: number, onBytes: (n: number) => void, signal?: AbortSignal): Promise<UploadSession> {
  const route = rawDataRoutes.uploadChunk;
  const url = new URL(buildPath(route.path, { id: session.id }), client.options.url);
  url.searchParams.set('offset', String(session.offset));
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  const body = createReadStream(file, { start: session.offset, end: end - 1 }).pipe(counted);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(end - session.offset), accept: 'application/json' };
  if (client.options.token) headers.authorization = `Bearer ${client.options.token}`;
  const res = await request(url, { method: route.method, headers, body, dispatcher, signal });
  const text = await res.body.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (res.statusCode !== 200) {
    const error = ErrorBody.safeParse(json);
    if (!error.success) throw new ApiError(res.statusCode, 'bad_response', `HTTP ${res.statusCode} from ${url.pathname}`);
    const { code, message, details } = error.data.error;
    throw new ApiError(res.statusCode, code, message, details?.issues ?? [], { details });
  }
  return UploadSession.parse(json);
}

/**
 * Whether a failed chunk is worth another try from the offset the backend holds: the connection
 * failed (no answer, 502-504), or the backend answered 409 (the cut request still holds the
 * session, or the chunk started at another offset than the one it holds).
 */
const retryable = (error: unknown): boolean => !(error instanceof ApiError) || error.status === 0 || error.status === 409 || error.status >= 502;

/** Sends the chunk at the session's offset; a dropped connection is tried again from the offset the backend reports it holds. */
async function sendChunk(client: UploadClient, dispatcher: Dispatcher | undefined, start: UploadSession, file: string, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadSession> {
  let session = start;
  for (let attempt = 1; ; attempt++) {
    const end = Math.min(session.size, session.offset + session.chunkSize);
    let sent = session.offset;
    try {
      return await putChunk(client, dispatcher, session, file, end, (n) => onProgress({ phase: 'uploading', done: (sent += n), total: session.size }), signal);
    } catch (error) {
      if (signal?.aborted || attempt >= ATTEMPTS || !retryable(error)) throw error;
      await sleep(BACKOFF_MS[attempt - 1] ?? 4_000, signal);
      session = await client.call('getUpload', { params: { id: session.id } });
      if (session.offset >= session.size) return session;
    }
  }
}

/**
 * Sends `file` in the session's chunks, resuming after a dropped link (or a backend restart) from
 * what the backend holds, so a failure costs at most a chunk, not the upload.
 */
async function sendChunks(client: UploadClient, start: UploadSession, file: string, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadSession> {
  const dispatcher = client.options.ca ? new Agent({ connect: { ca: client.options.ca } }) : undefined;
  let session = start;
  try {
    while (session.offset < session.size) {
      session = await sendChunk(client, dispatcher, session, file, onProgress, signal);
      onProgress({ phase: 'uploading', done: session.offset, total: session.size });
    }
    return session;
  } finally {
    await dispatcher?.close();
  }
}

/** Uploads a file, or a folder packed as tar, into a new upload session; the session holds all its bytes on return. */
async function uploadPath(client: UploadClient, path: string, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadSession> {
  const isFolder = (await stat(path)).isDirectory();
  let packed: { path: string; dispose: () => Promise<void> } | undefined;
  try {
    if (isFolder) {
      let done = 0;
      packed = await packFolder(path, (bytes) => onProgress({ phase: 'packing', done: (done += bytes), total: done }));
    }
    const file = packed?.path ?? path;
    const { size } = await stat(file);
    const session = await client.call('createUpload', { body: { size, fileName: basename(path), kind: isFolder ? 'tar' : 'file' } });
    try {
      return await sendChunks(client, session, file, onProgress, signal);
    } catch (error) {
      // Nothing will resume it: let the backend drop its bytes now rather than at expiry.
      await client.call('cancelUpload', { params: { id: session.id } }).catch(() => undefined);
      throw error;
    }
  } finally {
    await packed?.dispose();
  }
}

/**
 * The upload of Add Dataset…: sends the bytes once, then asks the backend to add the version. The
 * session is kept for a second call with `force` (after a 409 duplicate the backend keeps the bytes
 * for exactly that), so "Create New Version Anyway" does not upload again.
 */
export function datasetUpload(client: UploadClient, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): AddUpload {
  let session: UploadSession | undefined;
  return async (request: AddRequest, force: boolean): Promise<DatasetVersion> => {
    session ??= await uploadPath(client, request.path, onProgress, signal);
    onProgress({ phase: 'checking', done: session.size, total: session.size });
    return client.call('completeUpload', { params: { id: session.id }, body: { name: request.name, message: request.message, force } });
  };
}
