import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; longer output (a progress bar redrawn with `\r` for an hour) is cut into pieces of this size. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Turns one output stream's chunks into lines. UTF-8 split across chunks is decoded correctly,
 * `\r\n` ends a line like `\n`, any other `\r` and ANSI escapes stay in the text (a terminal shows
 * them), and a line never grows past `maxChars`: what is held back is bounded.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  /** The stream ended: what is left is the last line (without a newline). */
  end(): void {
    this.take(this.decoder.end());
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }

  private take(text: string): void {
    const data = this.pending + text;
    let start = 0;
    for (let nl = data.indexOf('\n'); nl >= 0; nl = data.indexOf('\n', start)) {
      this.emit(data.slice(start, nl > start && data[nl - 1] === '\r' ? nl - 1 : nl));
      start = nl + 1;
    }
    this.pending = this.cut(data.slice(start));
  }

  private emit(line: string): void {
    this.onLine(this.cut(line));
  }

  /** Emits full pieces of `text` as lines and returns the remainder (at most maxChars). */
  private cut(text: string): string {
    let rest = text;
    while (rest.length > this.maxChars) {
      // never split a surrogate pair
      const at = isHighSurrogate(rest.charCodeAt(this.maxChars - 1)) ? this.maxChars - 1 : this.maxChars;
      this.onLine(rest.slice(0, at));
      rest = rest.slice(at);
    }
    return rest;
  }
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
