import { DriverError } from '../driver.js';

/** The HTTP code and Status of a failed API call, from client-node's ApiException (body: the raw response text). */
export interface ApiFailure {
  code: number;
  reason: string | undefined;
  message: string | undefined;
}

export function apiFailure(error: unknown): ApiFailure | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'number') return undefined;
  const body = 'body' in error ? error.body : undefined;
  const status = parseStatus(body);
  return { code: error.code, reason: status?.reason, message: status?.message };
}

function parseStatus(body: unknown): { reason?: string; message?: string } | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body ? { message: body.slice(0, 500) } : undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { reason, message } = value as { reason?: unknown; message?: unknown };
  return { reason: typeof reason === 'string' ? reason : undefined, message: typeof message === 'string' ? message : undefined };
}

export const isNotFound = (error: unknown): boolean => apiFailure(error)?.code === 404;
export const isConflict = (error: unknown): boolean => apiFailure(error)?.code === 409;

/**
 * A failed call as the user should see it. 400/422 (an object the API server refuses: a bad
 * quantity, an image name it cannot parse) are blamed on the request; the rest (unreachable
 * server, 401, 403 from RBAC or Pod Security, 5xx) on the engine and its configuration.
 */
export function toDriverError(error: unknown, doing: string): DriverError {
  if (error instanceof DriverError) return error;
  const failure = apiFailure(error);
  if (!failure) {
    const detail = error instanceof Error ? error.message : String(error);
    return new DriverError(`Kubernetes API unreachable while ${doing}: ${detail}`, 'engine', { cause: error });
  }
  const blame = failure.code === 400 || failure.code === 422 ? 'user' : 'engine';
  const what = failure.message ?? failure.reason ?? `HTTP ${failure.code}`;
  return new DriverError(`Kubernetes refused ${doing} (${failure.code}${failure.reason ? ` ${failure.reason}` : ''}): ${what}`, blame, { cause: error });
}
