import WebSocket from 'ws';
import { ErrorBody, PORT_FORWARD_PATH, PORT_FRAME_BYTES, PORT_NOT_LISTENING } from '../protocol/index.js';
import { ApiError } from './errors.js';
import { buildPath, type ClientOptions } from './http.js';

/** The WebSocket URL of a port inside an environment (`ws:` or `wss:` after the backend's scheme). */
export function portForwardUrl(base: string, envId: string, port: number): URL {
  return new URL(buildPath(PORT_FORWARD_PATH, { id: envId, port }), base.replace(/^http/, 'ws'));
}

/**
 * Opens one TCP connection to `port` inside the environment, carried by a WebSocket. Resolves once
 * the backend has connected to the port; a refusal rejects with the API's error (see
 * `notListening` for the one worth retrying).
 */
export function openPortSocket(options: ClientOptions, envId: string, port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
    const socket = new WebSocket(portForwardUrl(options.url, envId, port), { headers, ca: options.ca, maxPayload: 16 * 1024 * 1024 });
    socket.once('open', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (err: Error): void => reject(new ApiError(0, 'unreachable', `cannot reach ${options.url}: ${err.message}`, [], { cause: err }));
    socket.once('error', onError);
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        socket.off('error', onError);
        socket.on('error', () => undefined);
        socket.terminate();
        reject(refusal(res.statusCode ?? 0, text));
      });
    });
  });
}

function refusal(status: number, text: string): ApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success) return new ApiError(status, 'bad_response', `unexpected answer ${status} to a port-forward request`);
  const { code, message, details } = parsed.data.error;
  return new ApiError(status, code, message, details?.issues ?? []);
}

/** The refusal that means "nothing listens on the port yet": the program may still be starting. */
export const notListening = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 409 && err.issues.some((i) => i.path === PORT_NOT_LISTENING);

/** Splits bytes into frames the backend accepts (it refuses frames above its WebSocket limit). */
export function portFrames(bytes: Buffer, max = PORT_FRAME_BYTES): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += max) frames.push(bytes.subarray(at, at + max));
  return frames;
}
