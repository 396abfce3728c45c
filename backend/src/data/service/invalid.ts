import type { InvalidDataDetails } from '../../protocol/index.js';
import { FormatMismatchError, MalformedDataError, UnsupportedFormatError } from '../inspect/errors.js';
import { ManifestError, UnsafePathError } from '../store/errors.js';

/** Content refused by an add: the route answers 422 `invalid_data` with these details, and nothing is stored. */
export class InvalidDataError extends Error {
  constructor(
    message: string,
    readonly details: InvalidDataDetails,
  ) {
    super(message);
    this.name = 'InvalidDataError';
  }
}

/** A version equal in content to an existing one of the same dataset; answered 409 with it. */
export class DuplicateVersionError extends Error {
  constructor(readonly existing: import('../../protocol/index.js').DatasetVersion) {
    super(`identical to ${existing.ref}; add with force to create a new version anyway`);
    this.name = 'DuplicateVersionError';
  }
}

const within = (path: string | undefined): string => (path === undefined ? '' : `${path}: `);

/**
 * The inspection and path errors an add can meet, as `InvalidDataError` naming the file (`path`,
 * inside a folder) and the position; anything else is rethrown (it is the backend's fault).
 */
export function asInvalidData(err: unknown, path?: string): InvalidDataError {
  const where = path === undefined ? {} : { path };
  if (err instanceof MalformedDataError) {
    const { line, byteOffset } = err.position;
    return new InvalidDataError(within(path) + err.message, { problem: `malformed ${err.format}: ${err.problem}`, ...where, ...(line === undefined ? {} : { line }), byte: byteOffset });
  }
  if (err instanceof FormatMismatchError || err instanceof UnsupportedFormatError) {
    return new InvalidDataError(within(path) + err.message, { problem: err.message, ...where });
  }
  if (err instanceof UnsafePathError || err instanceof ManifestError) {
    return new InvalidDataError(err.message, { problem: err.message, ...where });
  }
  if (err instanceof InvalidDataError) return err;
  throw err;
}
