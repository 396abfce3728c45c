import { Writable } from 'node:stream';
import type { LogLine } from '../driver.js';

/**
 * One line of `pods/log?timestamps=true`: `<RFC 3339 nano time> <text>`. The API merges stdout and
 * stderr into one stream, so every line reads as stdout.
 */
export function parseLogLine(raw: string): LogLine {
  const space = raw.indexOf(' ');
  const stamp = space > 0 ? raw.slice(0, space) : '';
  const at = /^\d{4}-\d{2}-\d{2}T/.test(stamp) ? toIso(stamp) : null;
  return { stream: 'stdout', line: at === null ? raw : raw.slice(space + 1), at };
}

function toIso(stamp: string): string | null {
  // Date keeps milliseconds; the kubelet writes nanoseconds.
  const ms = Date.parse(stamp.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function parseLogText(text: string): LogLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => parseLogLine(l.replace(/\r$/, '')));
}

/** Splits a byte stream into lines, keeping a partial last line until its end arrives. */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.replace(/\r$/, ''));
  }

  end(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

/** A stream that hands each complete line written to it, parsed, to `onLine` (the last one at its end). */
export function logLineSink(onLine: (line: LogLine) => void): Writable {
  const splitter = new LineSplitter((raw) => onLine(parseLogLine(raw)));
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      splitter.push(chunk.toString('utf8'));
      callback();
    },
    final(callback) {
      splitter.end();
      callback();
    },
  });
}
