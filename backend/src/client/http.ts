import { Agent, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ErrorBody, routes, type RouteDef, type RouteName, type Routes } from '../protocol/index.js';
import { ApiError } from './errors.js';

type InputOf<S> = S extends z.ZodType ? z.input<S> : never;

/** What a call needs: only the parts its route declares. */
export type CallInput<R extends RouteDef> = (R['params'] extends z.ZodType ? { params: InputOf<R['params']> } : { params?: never }) &
  (R['query'] extends z.ZodType ? { query?: InputOf<R['query']> } : { query?: never }) &
  (R['body'] extends z.ZodType ? { body: InputOf<R['body']> } : { body?: never });

/** Routes with path parameters or a body need an input; the rest take an optional one (a query). */
type NeedsInput<R extends RouteDef> = R['params'] extends z.ZodType ? true : R['body'] extends z.ZodType ? true : false;
export type CallArgs<R extends RouteDef> = NeedsInput<R> extends true ? [CallInput<R>] : [CallInput<R>?];

export type CallOutput<N extends RouteName> = z.infer<Routes[N]['response']>;

export interface ClientOptions {
  /** Base URL of the backend, e.g. `http://127.0.0.1:8787`. */
  url: string;
  token?: string;
  /** PEM of a CA (or a self-signed certificate) to trust besides the system's. */
  ca?: string;
  timeoutMs?: number;
}

/** Fills `:name` placeholders; values are URI-encoded so an id can never add a path segment. */
export function buildPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params?.[key];
    if (value === undefined) throw new Error(`missing path parameter "${key}"`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** The typed HTTP client: the extension and the CLI talk to the backend only through it. */
export class ApiClient {
  private readonly dispatcher: Dispatcher | undefined;

  constructor(readonly options: ClientOptions) {
    this.dispatcher = options.ca ? new Agent({ connect: { ca: options.ca } }) : undefined;
  }

  async call<N extends RouteName>(name: N, ...args: CallArgs<Routes[N]>): Promise<CallOutput<N>> {
    const def: RouteDef = routes[name];
    const input = (args[0] ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const url = new URL(buildPath(def.path, input.params) + queryString(input.query), this.options.url);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';

    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: def.method,
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        dispatcher: this.dispatcher,
        headersTimeout: this.options.timeoutMs ?? 30_000,
        bodyTimeout: this.options.timeoutMs ?? 30_000,
      });
    } catch (cause) {
      throw new ApiError(0, 'unreachable', `cannot reach ${this.options.url}: ${(cause as Error).message}`, [], { cause });
    }
    const text = await res.body.text();
    const json = parseJson(text);
    if (res.statusCode !== def.status) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        throw new ApiError(res.statusCode, code, message, details?.issues, { details });
      }
      throw new ApiError(res.statusCode, 'bad_response', `HTTP ${res.statusCode} from ${url.pathname}`);
    }
    const parsed = def.response.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(res.statusCode, 'bad_response', `unexpected answer from ${url.pathname}: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return parsed.data as CallOutput<N>;
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
