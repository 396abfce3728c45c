import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../../backend/src/jobs/line-splitter.js';

function split(chunks: (string | Buffer)[], maxChars?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), maxChars);
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps the last line without a newline', () => {
    expect(split(['a', 'b\nc', 'd\n', 'e'])).toEqual(['ab', 'cd', 'e']);
  });

  it('ends a line at \\r\\n like at \\n, keeps a lone \\r and ANSI colours as they are', () => {
    expect(split(['one\r\ntwo\n', '10%\r20%\n', '\x1b[31mred\x1b[0m\n'])).toEqual(['one', 'two', '10%\r20%', '\x1b[31mred\x1b[0m']);
  });

  it('keeps empty lines, and emits nothing for empty output', () => {
    expect(split(['\n\nx\n'])).toEqual(['', '', 'x']);
    expect(split([])).toEqual([]);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('né €\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)])).toEqual(['né €']);
  });

  it('cuts a line longer than the cap into pieces, whether or not it ends', () => {
    expect(split(['abcdefghij\n'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(split(['abcd', 'efgh', 'ij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('holds back at most the cap while a line has no end (a progress bar redrawn with \\r)', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l), 10);
    for (let i = 0; i < 100; i++) splitter.push(Buffer.from(`\r${i}%`));
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.every((l) => l.length === 10)).toBe(true);
  });

  it('never splits a surrogate pair when cutting', () => {
    const lines = split(['ab😀cd\n'], 3);
    expect(lines.join('')).toBe('ab😀cd');
    expect(lines.every((l) => !/[\uD800-\uDBFF]$/.test(l))).toBe(true);
  });
});
