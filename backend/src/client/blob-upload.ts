import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ErrorBody, routes, type SyncBlobStored } from '../protocol/index.js';
import { ApiError } from './errors.js';
import { buildPath, type ApiClient } from './http.js';

/** An upload may take long on a slow link; the body timeout still catches a stalled one. */
const UPLOAD_HEADERS_TIMEOUT_MS = 10 * 60_000;

export interface BlobUploader {
  /** Streams `body` (exactly `size` bytes) to the backend's sync cache under `md5`. */
  upload(md5: string, body: Readable, size: number, signal?: AbortSignal): Promise<SyncBlobStored>;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Uploads for `uploadSyncBlob`, the table's raw-body route: the URL comes from the route table, the
 * body is streamed (never buffered), the answer is checked against the route's schema. Uses the
 * client's URL, token and CA.
 */
export function blobUploader(client: ApiClient): BlobUploader {
  const { url: base, token, ca, timeoutMs } = client.options;
  const dispatcher: Dispatcher | undefined = ca ? new Agent({ connect: { ca } }) : undefined;
  const def = routes.uploadSyncBlob;
  return {
    async upload(md5, body, size, signal) {
      const url = new URL(buildPath(def.path, { hash: md5 }), base);
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: def.method,
          headers: { accept: 'application/json', 'content-type': 'application/octet-stream', 'content-length': String(size), ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
          dispatcher,
          signal,
          headersTimeout: UPLOAD_HEADERS_TIMEOUT_MS,
          bodyTimeout: timeoutMs ?? 30_000,
        });
      } catch (cause) {
        if (signal?.aborted) throw cause;
        throw new ApiError(0, 'unreachable', `cannot upload to ${base}: ${(cause as Error).message}`, [], { cause });
      }
      const json = parseJson(await res.body.text());
      if (res.statusCode !== def.status) {
        const parsed = ErrorBody.safeParse(json);
        if (!parsed.success) throw new ApiError(res.statusCode, 'bad_response', `HTTP ${res.statusCode} from ${url.pathname}`);
        const { code, message, details } = parsed.data.error;
        throw new ApiError(res.statusCode, code, message, details?.issues ?? []);
      }
      const parsed = def.response.safeParse(json);
      if (!parsed.success) throw new ApiError(res.statusCode, 'bad_response', `unexpected answer from ${url.pathname}: ${parsed.error.issues[0]?.message ?? ''}`);
      return parsed.data;
    },
    async close() {
      await dispatcher?.close();
    },
  };
}
