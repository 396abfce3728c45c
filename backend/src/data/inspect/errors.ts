/**
 * Typed failures of data inspection. Each names what a route needs to answer 422 with the problem
 * and where it was found; none of them means the backend is at fault.
 */

/** Content that is none of the formats ML Workbench reads (or that a step cannot handle, e.g. profiling it). */
export class UnsupportedFormatError extends Error {
  constructor(
    readonly reason: string,
    /** What the content looks like, when something recognised it (e.g. `image/gif`). */
    readonly detected?: string,
  ) {
    super(reason);
    this.name = 'UnsupportedFormatError';
  }
}

/** A file whose content is one format while its extension names another (a PNG named `.csv`). */
export class FormatMismatchError extends Error {
  constructor(
    readonly extension: string,
    /** The format the extension stands for. */
    readonly expected: string,
    /** The format the content is. */
    readonly actual: string,
  ) {
    super(`the file is named ${extension}, which means ${expected}, but its content is ${actual}`);
    this.name = 'FormatMismatchError';
  }
}

/** Where in a file a problem was found: 0-based byte offset from the start of the file, and the 1-based line for text formats. */
export interface Position {
  byteOffset: number;
  line?: number;
}

export function describePosition({ line, byteOffset }: Position): string {
  return line === undefined ? `at byte ${byteOffset}` : `at line ${line} (byte ${byteOffset})`;
}

/** Content of a recognised format that breaks that format's rules (unbalanced quote, ragged row, bad UTF-8, bad JSON). */
export class MalformedDataError extends Error {
  constructor(
    readonly format: string,
    readonly problem: string,
    readonly position: Position,
  ) {
    super(`malformed ${format} ${describePosition(position)}: ${problem}`);
    this.name = 'MalformedDataError';
  }
}

/** A key column that cannot key a diff: missing from a version, or holding a value more than once. */
export class DiffKeyError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`key column ${JSON.stringify(key)} ${reason}`);
    this.name = 'DiffKeyError';
  }
}
