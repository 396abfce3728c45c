import type { ErrorCode, FieldIssue } from '../protocol/index.js';

/** An answer of the API that was not a success, or no answer at all (`code: 'unreachable'`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'unreachable' | 'bad_response',
    message: string,
    readonly issues: FieldIssue[] = [],
    options?: { cause?: unknown; details?: Record<string, unknown> | undefined },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.details = options?.details ?? {};
  }

  /** The error body's `details` (besides `issues`), e.g. the existing version of a 409 duplicate. */
  readonly details: Record<string, unknown>;

  /** One line for a CLI or a toast: the reason and the fields at fault. */
  describe(): string {
    const fields = this.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return fields ? `${this.message} (${fields})` : this.message;
  }
}
