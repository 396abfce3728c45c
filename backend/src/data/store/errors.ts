/**
 * Typed failures of the data store. Each carries what a route needs to answer 4xx with the field
 * and the reason (`UnsafePathError`, `DvcFileError`, `ManifestError`) or to refuse to serve bytes
 * (`CorruptObjectError`); anything else is the store's own fault.
 */

/** A request-supplied path or name that could leave its root, or that not every platform can hold. */
export class UnsafePathError extends Error {
  constructor(
    /** The path as supplied (control characters escaped), so the message names what was refused. */
    readonly input: string,
    readonly reason: string,
  ) {
    super(`unsafe path ${JSON.stringify(input)}: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** No object with this id in the store. */
export class ObjectNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`object ${id} is not in the store`);
    this.name = 'ObjectNotFoundError';
  }
}

/** An object whose content no longer hashes to its id; it must never be served as valid. */
export class CorruptObjectError extends Error {
  constructor(
    readonly id: string,
    readonly actualMd5: string,
  ) {
    super(`object ${id} is corrupt: its content hashes to ${actualMd5}`);
    this.name = 'CorruptObjectError';
  }
}

/** Streamed content whose md5 differs from the one the caller announced. */
export class Md5MismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`content hashes to ${actual}, expected ${expected}`);
    this.name = 'Md5MismatchError';
  }
}

/** A `.dir` manifest that is not a list of `{md5, relpath}` DVC could have written. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** A `.dvc` file that is not valid YAML or not the shape DVC writes. */
export class DvcFileError extends Error {
  constructor(
    message: string,
    /** Dotted path of the offending field, e.g. `outs.0.md5`, when one is to blame. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DvcFileError';
  }
}

/** A checkout target that already exists and was not to be replaced. */
export class TargetExistsError extends Error {
  constructor(readonly target: string) {
    super(`${target} already exists`);
    this.name = 'TargetExistsError';
  }
}

/** Garbage collection stopped before deleting anything: a referenced manifest is missing or corrupt, so the files it lists are unknown. */
export class GcRefusedError extends Error {
  constructor(
    readonly manifestId: string,
    cause: Error,
  ) {
    super(`gc refused: referenced manifest ${manifestId} cannot be read (${cause.message})`, { cause });
    this.name = 'GcRefusedError';
  }
}
