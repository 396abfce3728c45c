import { appendFileSync, closeSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import type { LogLine } from '../driver.js';

/**
 * `logs/jupyter.log`: the server's stdout and stderr (one file descriptor for both, as a detached
 * server outlives the backend and no pipe could keep them apart, so its lines are reported as
 * stdout) and the driver's own lines, `[mlwb <ISO time>] message`, reported as system lines.
 */

const SYSTEM = /^\[mlwb (\d{4}-\d\d-\d\dT[\d:.]+Z)\] (.*)$/;

export const systemLine = (message: string, at = new Date()): string => `[mlwb ${at.toISOString()}] ${message}`;

export function parseLogLine(raw: string): LogLine {
  const match = SYSTEM.exec(raw);
  return match ? { stream: 'system', at: match[1]!, line: match[2]! } : { stream: 'stdout', at: null, line: raw };
}

export function appendSystemLine(file: string, message: string): void {
  appendFileSync(file, systemLine(message) + '\n');
}

/** Keeps one older file: a long-lived environment's log never grows without bound. */
export function rotateIfLarge(file: string, maxBytes: number): void {
  try {
    if (statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

const CHUNK = 64 * 1024;

function readRange(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(end - start);
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

/** The last `tail` lines, read backwards from the end a chunk at a time (the file may be large). */
export function tailLines(file: string, tail: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = statSync(file).size;
    let start = size;
    let buffer = Buffer.alloc(0);
    // one newline more than lines wanted, as the file ends with one
    while (start > 0 && countNewlines(buffer) <= tail) {
      const from = Math.max(0, start - CHUNK);
      buffer = Buffer.concat([readRange(fd, from, start), buffer]);
      start = from;
    }
    const lines = buffer.toString('utf8').split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    // a line cut by the chunk boundary is dropped unless the file began there
    if (start > 0) lines.shift();
    return lines.slice(-tail);
  } finally {
    closeSync(fd);
  }
}

function countNewlines(buffer: Buffer): number {
  let n = 0;
  for (let i = buffer.indexOf(10); i >= 0; i = buffer.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * `tail -f`: polls the file's size (fs.watch misses appends on some file systems and platforms),
 * emits whole lines, starts over when the file was rotated or truncated, and stops by itself once
 * `running()` says the writer is gone (after a last read).
 */
/** Follows a log file from `from` (default: its current end) until `running()` turns false. */
export function followFile(file: string, onLine: (raw: string) => void, running: () => boolean, intervalMs = 250, from?: number): () => void {
  let offset = from ?? sizeOf(file);
  let rest = '';
  let timer: NodeJS.Timeout | undefined;
  const read = (): void => {
    const size = sizeOf(file);
    if (size < offset) offset = 0;
    if (size === offset) return;
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return;
    }
    try {
      const parts = (rest + readRange(fd, offset, size).toString('utf8')).split(/\r?\n/);
      offset = size;
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(part);
    } finally {
      closeSync(fd);
    }
  };
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  timer = setInterval(() => {
    read();
    if (!running()) {
      if (rest) onLine(rest);
      rest = '';
      stop();
    }
  }, intervalMs);
  timer.unref();
  return stop;
}

export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
