import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';

/**
 * Where a Jupyter server answers and how to authenticate: normally the backend's proxy
 * (`…/api/v1/environments/<id>/jupyter/`, the backend's bearer token); the bench also points it
 * straight at the Jupyter server (`token <jupyter token>`).
 */
export interface JupyterTarget {
  /** Base URL ending with `/`, e.g. `https://host:8787/api/v1/environments/<id>/jupyter/`. */
  baseUrl: string;
  /** The `Authorization` header value. */
  authorization: string;
  /** PEM of a CA (or self-signed certificate) to trust besides the system's. */
  ca?: string;
}

export const KernelModel = z.object({ id: z.string(), name: z.string() });
export const SessionModel = z.object({ id: z.string(), kernel: KernelModel });
export type SessionModel = z.infer<typeof SessionModel>;

/** A Jupyter REST call that failed; `status` 0 when the server could not be reached at all. */
export class JupyterHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'JupyterHttpError';
  }
}

/** The few REST calls of the Jupyter server a notebook needs (sessions and kernel control). */
export class JupyterRest {
  private readonly dispatcher: Dispatcher | undefined;

  constructor(readonly target: JupyterTarget) {
    this.dispatcher = target.ca ? new Agent({ connect: { ca: target.ca } }) : undefined;
  }

  /** Starts a kernel for a notebook; `path` is its path relative to the server's root (the kernel's working directory follows it). */
  async createSession(path: string, kernelName: string): Promise<SessionModel> {
    return SessionModel.parse(await this.send('POST', 'api/sessions', 201, { path, name: path, type: 'notebook', kernel: { name: kernelName } }));
  }

  async deleteSession(id: string): Promise<void> {
    await this.send('DELETE', `api/sessions/${encodeURIComponent(id)}`, 204);
  }

  /** Whether the kernel still exists on the server (it is gone after the environment restarted). */
  async kernelExists(id: string): Promise<boolean> {
    try {
      await this.send('GET', `api/kernels/${encodeURIComponent(id)}`, 200);
      return true;
    } catch (error) {
      if (error instanceof JupyterHttpError && error.status === 404) return false;
      throw error;
    }
  }

  async interrupt(kernelId: string): Promise<void> {
    await this.send('POST', `api/kernels/${encodeURIComponent(kernelId)}/interrupt`, 204);
  }

  async restart(kernelId: string): Promise<void> {
    await this.send('POST', `api/kernels/${encodeURIComponent(kernelId)}/restart`, 200);
  }

  /** The WebSocket URL of a kernel's channels. */
  channelsUrl(kernelId: string, clientSession: string): string {
    const url = new URL(`api/kernels/${encodeURIComponent(kernelId)}/channels`, this.target.baseUrl);
    url.protocol = url.protocol.replace(/^http/, 'ws');
    url.searchParams.set('session_id', clientSession);
    return url.toString();
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  private async send(method: Dispatcher.HttpMethod, path: string, expected: number, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.target.baseUrl);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        headers: { authorization: this.target.authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
      });
    } catch (cause) {
      throw new JupyterHttpError(0, `cannot reach ${url.origin}: ${(cause as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode !== expected) throw new JupyterHttpError(res.statusCode, `${method} ${url.pathname} answered ${res.statusCode}: ${errorMessage(text)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

/** The message of a backend error body (`{error:{message}}`) or of Jupyter's (`{message}`), else the text itself. */
function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown }; message?: unknown };
    const message = json.error?.message ?? json.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the text says it
  }
  return text.slice(0, 200);
}
