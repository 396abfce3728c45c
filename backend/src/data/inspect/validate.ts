import { createReadStream } from 'node:fs';
import { CsvScanner, type CsvProblem } from './csv-scan.js';
import { MalformedDataError } from './errors.js';
import { FORMATS, type DetectedFormat, type Format } from './formats.js';
import { JsonValidator } from './json-validate.js';
import { Utf8Checker } from './utf8.js';

/**
 * Streaming validators: feed chunks as they arrive (an upload, a file) and get a
 * `MalformedDataError` naming the line and byte of the first problem. Memory stays bounded by
 * the chunk size (and, for JSON Lines, by the longest line), so files larger than memory pass.
 */
export interface Validator {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** The longest JSON Lines record held in memory to parse it. */
export const MAX_JSONL_LINE_BYTES = 64 * 1024 * 1024;

/** A validator for text formats; binary formats are checked whole by detection, so they get none. */
export function createValidator(detected: DetectedFormat): Validator | undefined {
  switch (detected.format) {
    case 'csv':
    case 'tsv':
      return new CsvValidator(detected.format, detected.delimiter ?? (detected.format === 'tsv' ? '\t' : ','));
    case 'jsonl':
      return new JsonLinesValidator();
    case 'json':
      return new JsonValidator();
    case 'text':
      return new TextValidator();
    default:
      return undefined;
  }
}

/** Streams a file through its format's validator; resolves when it is well-formed. */
export async function validateFile(path: string, detected: DetectedFormat): Promise<void> {
  const validator = createValidator(detected);
  if (!validator) return;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) validator.write(chunk);
  validator.end();
}

function csvError(format: Format, { message, line, byteOffset }: CsvProblem): MalformedDataError {
  return new MalformedDataError(FORMATS[format].label, message, { line, byteOffset });
}

function invalidUtf8(format: Format, line: number, byteOffset: number): MalformedDataError {
  return new MalformedDataError(FORMATS[format].label, 'invalid UTF-8 byte sequence', { line, byteOffset });
}

class CsvValidator implements Validator {
  private readonly scanner: CsvScanner;
  private readonly utf8 = new Utf8Checker();
  private offset = 0;

  constructor(
    private readonly format: Format,
    delimiter: string,
  ) {
    this.scanner = new CsvScanner(delimiter.charCodeAt(0));
  }

  write(chunk: Uint8Array): void {
    const bad = this.utf8.push(chunk);
    // Scan up to the bad byte first: a structural problem before it is the one to report.
    this.scan(bad === -1 ? chunk : chunk.subarray(0, Math.max(0, bad - this.offset)));
    if (bad !== -1) throw invalidUtf8(this.format, this.scanner.currentLine, bad);
    this.offset += chunk.length;
  }

  end(): void {
    const bad = this.utf8.end();
    if (bad !== -1) throw invalidUtf8(this.format, this.scanner.currentLine, bad);
    const problem = this.scanner.finish();
    if (problem) throw csvError(this.format, problem);
  }

  private scan(bytes: Uint8Array): void {
    const problem = this.scanner.push(bytes);
    if (problem) throw csvError(this.format, problem);
  }
}

class TextValidator implements Validator {
  private readonly utf8 = new Utf8Checker();
  private line = 1;
  private offset = 0;

  write(chunk: Uint8Array): void {
    const bad = this.utf8.push(chunk);
    const upTo = bad === -1 ? chunk.length : Math.max(0, bad - this.offset);
    for (let nl = chunk.indexOf(0x0a); nl !== -1 && nl < upTo; nl = chunk.indexOf(0x0a, nl + 1)) this.line++;
    if (bad !== -1) throw invalidUtf8('text', this.line, bad);
    this.offset += chunk.length;
  }

  end(): void {
    const bad = this.utf8.end();
    if (bad !== -1) throw invalidUtf8('text', this.line, bad);
  }
}

/** JSON Lines: every non-blank line is one JSON value (https://jsonlines.org). */
class JsonLinesValidator implements Validator {
  private readonly utf8 = new Utf8Checker();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private line = 1;
  private lineStart = 0;
  private offset = 0;
  private values = 0;

  write(chunk: Uint8Array): void {
    const bad = this.utf8.push(chunk);
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, from)) {
      if (bad !== -1 && bad < this.offset + nl) break;
      this.take(buf.subarray(from, nl));
      this.endLine(this.offset + nl + 1);
      from = nl + 1;
    }
    if (bad !== -1) throw invalidUtf8('jsonl', this.line, bad);
    this.take(buf.subarray(from));
    this.offset += buf.length;
  }

  end(): void {
    const bad = this.utf8.end();
    if (bad !== -1) throw invalidUtf8('jsonl', this.line, bad);
    if (this.pendingBytes) this.endLine(this.offset);
    if (this.values === 0) throw new MalformedDataError('JSON Lines', 'the file holds no JSON value', { line: 1, byteOffset: 0 });
  }

  private take(part: Buffer): void {
    if (!part.length) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > MAX_JSONL_LINE_BYTES) {
      throw new MalformedDataError('JSON Lines', `a line longer than ${MAX_JSONL_LINE_BYTES / 1024 / 1024} MiB`, { line: this.line, byteOffset: this.lineStart });
    }
    this.pending.push(Buffer.from(part));
  }

  private endLine(nextLineStart: number): void {
    const text = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    if (text.trim()) {
      this.parse(text);
      this.values++;
    }
    this.line++;
    this.lineStart = nextLineStart;
  }

  private parse(text: string): void {
    try {
      JSON.parse(text);
    } catch (e) {
      // V8 names the character position for most syntax errors ("... in JSON at position 12").
      const message = (e as Error).message;
      const at = /at position (\d+)/.exec(message);
      const column = at ? Buffer.byteLength(text.slice(0, Number(at[1]))) : 0;
      throw new MalformedDataError('JSON Lines', message, { line: this.line, byteOffset: this.lineStart + column });
    }
  }
}
