import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode, FieldIssue } from '../protocol/index.js';
import { DriverError } from '../runtime/driver.js';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  engine_error: 503,
  invalid_data: 422,
  corrupt_blob: 503,
  hash_mismatch: 422,
  internal: 500,
};

/** An error meant for the client: its code decides the status, its message is shown as is. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** More for the client beside the issues, e.g. the existing version of a duplicate. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string): HttpError => new HttpError('not_found', `${what} not found`);
export const forbidden = (why: string): HttpError => new HttpError('forbidden', why);

export function errorBody(code: ErrorCode, message: string, issues?: FieldIssue[], details?: Record<string, unknown>): ErrorBody {
  const all = { ...details, ...(issues?.length ? { issues } : {}) };
  return { error: { code, message, ...(Object.keys(all).length ? { details: all } : {}) } };
}

/** Where a validation context sits in the request, as users name it. */
const CONTEXT: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

interface ZodIssueView {
  instancePath: string;
  message: string;
  keyword: string;
  params: { keys?: string[] };
}

/** Flattens zod issues into `path: reason` pairs; an unknown key becomes its own issue so the field is named. */
function fieldIssues(context: string | undefined, validation: ZodIssueView[]): FieldIssue[] {
  const root = CONTEXT[context ?? 'body'] ?? 'body';
  return validation.flatMap((v) => {
    const base = root + v.instancePath.replace(/\//g, '.').replace(/\.$/, '');
    if (v.keyword === 'unrecognized_keys' && v.params.keys?.length) {
      return v.params.keys.map((k) => ({ path: `${base}.${k}`, message: 'unknown field' }));
    }
    return [{ path: base, message: v.message }];
  });
}

/** Fastify's own client errors (body parsing, limits), by their codes. */
function frameworkError(err: FastifyError): { code: ErrorCode; message: string } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_json', message: `request body is not valid JSON: ${err.message}` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_json', message: 'request body is empty but content-type is application/json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: err.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request', message: err.message };
    default:
      break;
  }
  // JSON.parse failures surface as SyntaxError with status 400 in some paths. Only Fastify's own
  // errors are read by status: a dependency's error that carries one (an engine's 404) is not ours.
  if (err instanceof SyntaxError) return { code: 'invalid_json', message: `request body is not valid JSON: ${err.message}` };
  if (!err.code?.startsWith('FST_')) return undefined;
  if (err.statusCode === 400) return { code: 'bad_request', message: err.message };
  if (err.statusCode === 413) return { code: 'payload_too_large', message: err.message };
  if (err.statusCode === 415) return { code: 'unsupported_media_type', message: err.message };
  return undefined;
}

/** The single place errors become answers: 4xx with the field named, 5xx without internals. */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    void reply.code(err.status).send(errorBody(err.code, err.message, err.issues, err.details));
    return;
  }
  if (err instanceof DriverError) {
    const code = err.blame === 'user' ? 'unprocessable' : 'engine_error';
    if (code === 'engine_error') req.log.warn({ err }, 'engine failure');
    void reply.code(STATUS[code]).send(errorBody(code, err.message));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = fieldIssues(err.validationContext, err.validation as unknown as ZodIssueView[]);
    const first = issues[0];
    void reply.code(400).send(errorBody('validation_failed', first ? `invalid ${first.path}: ${first.message}` : 'invalid request', issues));
    return;
  }
  const known = err.statusCode !== undefined && err.statusCode < 500 ? frameworkError(err) : undefined;
  if (known) {
    void reply.code(STATUS[known.code]).send(errorBody(known.code, known.message));
    return;
  }
  req.log.error({ err }, 'request failed');
  void reply.code(500).send(errorBody('internal', 'internal server error; see the server log'));
}
