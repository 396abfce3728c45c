import { Tokenizer, TokenParser } from '@streamparser/json';
import { MalformedDataError } from './errors.js';
import { LineIndex } from './lines.js';
import { Utf8Checker } from './utf8.js';

/**
 * Checks one JSON document as it streams, with @streamparser/json: its tokenizer and token parser
 * keep memory flat (each value is dropped once complete), where JSON.parse needs the whole text.
 * Their errors name no position, so it is taken from the tokenizer's message or the last token.
 */
export class JsonValidator {
  private readonly tokenizer = new Tokenizer();
  private readonly parser = new TokenParser({ keepStack: false });
  private readonly utf8 = new Utf8Checker();
  private readonly lines = new LineIndex();
  private lastTokenOffset = 0;
  private tokens = 0;

  constructor() {
    this.tokenizer.onToken = (token) => {
      this.lastTokenOffset = token.offset;
      this.tokens++;
      this.parser.write(token);
    };
    this.parser.onValue = () => undefined;
    // Throw from write()/end() rather than through the default handlers' own paths.
    this.tokenizer.onError = (err) => {
      throw err;
    };
    this.parser.onError = (err) => {
      throw err;
    };
  }

  write(chunk: Uint8Array): void {
    const bad = this.utf8.push(chunk);
    this.lines.push(chunk);
    if (bad !== -1) throw this.error('invalid UTF-8 byte sequence', bad);
    try {
      this.tokenizer.write(chunk);
    } catch (e) {
      throw this.fromParser(e as Error);
    }
  }

  end(): void {
    const bad = this.utf8.end();
    if (bad !== -1) throw this.error('invalid UTF-8 byte sequence', bad);
    if (this.tokens === 0) throw this.error('the file holds no JSON value', 0);
    try {
      if (!this.tokenizer.isEnded) this.tokenizer.end();
      if (!this.parser.isEnded) this.parser.end();
    } catch {
      throw this.error('the JSON document ends before it is complete', this.lines.length);
    }
  }

  private fromParser(e: Error): MalformedDataError {
    const at = /absolute position "(\d+)"/.exec(e.message);
    return this.error(e.message, at ? Number(at[1]) : this.lastTokenOffset);
  }

  private error(problem: string, byteOffset: number): MalformedDataError {
    return new MalformedDataError('JSON', problem, { line: this.lines.lineAt(byteOffset), byteOffset });
  }
}
