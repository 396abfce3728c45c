import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { JobLogLine, type JobStream } from '../protocol/index.js';

/**
 * A job's log on disk: `<dataDir>/jobs/<jobId>.log`, one JSON object a line
 * (`{"seq":1,"stream":"stdout","text":"…","at":"…"}`), seq counting from 1 without gaps.
 * Lines are appended whole with synchronous writes, so the file never ends in half a line that a
 * reader could see; a reader of a running job reads only up to what the writer reports written.
 */

/** Every STRIDE-th line's byte offset is remembered, so reading from a seq skips most of a long log. */
const STRIDE = 1000;
const READ_CHUNK = 256 * 1024;

export interface LogPosition {
  lines: number;
  bytes: number;
  /** checkpoints[k] is the offset of line k*STRIDE + 1. */
  checkpoints: number[];
}

export class JobLogWriter {
  private fd: number | undefined;
  readonly position: LogPosition;

  /** `from`: where an existing log ends (scanLog), to append to it. */
  constructor(
    readonly file: string,
    private readonly onWriteError: (err: Error) => void,
    from: LogPosition = { lines: 0, bytes: 0, checkpoints: [] },
  ) {
    this.position = { lines: from.lines, bytes: from.bytes, checkpoints: [...from.checkpoints] };
    this.fd = openSync(file, 'a');
  }

  /** Numbers, stores and returns the lines, in order. */
  append(entries: { stream: JobStream; text: string }[]): JobLogLine[] {
    const at = new Date().toISOString();
    const lines: JobLogLine[] = [];
    const parts: string[] = [];
    let bytes = this.position.bytes;
    for (const { stream, text } of entries) {
      const line = { seq: this.position.lines + lines.length + 1, stream, text, at };
      if ((line.seq - 1) % STRIDE === 0) this.position.checkpoints.push(bytes);
      const json = `${JSON.stringify(line)}\n`;
      bytes += Buffer.byteLength(json);
      parts.push(json);
      lines.push(line);
    }
    if (!lines.length) return lines;
    try {
      if (this.fd !== undefined) writeSync(this.fd, parts.join(''));
    } catch (err) {
      // a full disk must not stop the job or its live log; the stored log is then incomplete
      this.onWriteError(err as Error);
    }
    this.position.lines += lines.length;
    this.position.bytes = bytes;
    return lines;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } catch {
      // best effort: the lines were written
    }
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Scans a log file for its position (after a restart, for a finished job). A missing file is an empty log. */
export async function scanLog(file: string): Promise<LogPosition> {
  const position: LogPosition = { lines: 0, bytes: 0, checkpoints: [] };
  await forEachLine(file, 0, Infinity, (_line, offset, end) => {
    if (position.lines % STRIDE === 0) position.checkpoints.push(offset);
    position.lines++;
    position.bytes = end;
    return true;
  });
  return position;
}

/** Up to `limit` lines from seq `from` on, reading no further than `position` says is written. */
export async function readLog(file: string, position: LogPosition, from: number, limit: number): Promise<JobLogLine[]> {
  if (from > position.lines) return [];
  const checkpoint = Math.min(Math.floor((from - 1) / STRIDE), position.checkpoints.length - 1);
  let seq = checkpoint * STRIDE;
  const lines: JobLogLine[] = [];
  await forEachLine(file, position.checkpoints[checkpoint] ?? 0, position.bytes, (raw) => {
    seq++;
    if (seq < from) return true;
    const parsed = parseLine(raw);
    // a line that does not parse (a disk error mid-write) is shown as what it is, keeping the numbering
    lines.push(parsed ?? { seq, stream: 'system', text: '(unreadable log line)', at: new Date(0).toISOString() });
    return lines.length < limit;
  });
  return lines;
}

function parseLine(raw: string): JobLogLine | undefined {
  try {
    const parsed = JobLogLine.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `fn(line, startOffset, endOffset)` for each whole line in [start, end); stops when it returns false. */
async function forEachLine(file: string, start: number, end: number, fn: (line: string, offset: number, end: number) => boolean): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let offset = start;
    let carry = Buffer.alloc(0);
    const buffer = Buffer.alloc(READ_CHUNK);
    while (offset + carry.length < end) {
      const want = Math.min(READ_CHUNK, end - offset - carry.length);
      const { bytesRead } = await handle.read(buffer, 0, want, offset + carry.length);
      if (bytesRead === 0) return;
      let data = Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
      let nl = data.indexOf(10);
      while (nl >= 0) {
        if (!fn(data.toString('utf8', 0, nl), offset, offset + nl + 1)) return;
        offset += nl + 1;
        data = data.subarray(nl + 1);
        nl = data.indexOf(10);
      }
      carry = Buffer.from(data);
    }
  } finally {
    await handle.close();
  }
}
