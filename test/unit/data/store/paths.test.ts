import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../../../../backend/src/data/store/errors.js';
import { DatasetName, isWithin, splitRelativePath } from '../../../../backend/src/data/store/paths.js';

const HOSTILE: [input: string, reason: RegExp][] = [
  ['', /empty/],
  ['..', /'\.\.'/],
  ['../etc/passwd', /'\.\.'/],
  ['data/../../etc/passwd', /'\.\.'/],
  ['/etc/passwd', /absolute/],
  ['C:/Windows/win.ini', /drive letter/],
  ['c:win.ini', /drive letter/],
  ['file.txt:secret', /alternate data stream/],
  ['data\u0000.csv', /NUL/],
  ['..\\..\\windows\\win.ini', /backslash/],
  ['data\\x.csv', /backslash/],
  ['\\\\server\\share\\x', /backslash/],
  ['..%2F..%2Fetc%2Fpasswd', /percent-encoded/],
  ['..%5c..%5cwin.ini', /percent-encoded/],
  ['%2e%2e/x', /percent-encoded/],
  ['..%252F..%252Fetc', /percent-encoded/],
  ['a\uff0f..\uff0fb', /looks like a slash/],
  ['a\u2215b', /looks like a slash/],
  ['a//b', /empty segment/],
  ['a/', /empty segment/],
  ['./a', /'\.' segment/],
  ['a/./b', /'\.' segment/],
  ['CON', /device name/],
  ['data/nul.txt', /device name/],
  ['com1.csv', /device name/],
  ['data.', /dot or a space/],
  ['data ', /dot or a space/],
  ['a\nb', /control character/],
  ['what?.csv', /Windows does not allow/],
  ['a|b', /Windows does not allow/],
  ['x'.repeat(256), /longer than 255 bytes/],
  [`${'a/'.repeat(2100)}a`, /longer than 4096/],
];

describe('splitRelativePath', () => {
  it.each(HOSTILE)('refuses %j', (input, reason) => {
    let error: unknown;
    try {
      splitRelativePath(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).reason).toMatch(reason);
    expect((error as UnsafePathError).input).toBe(input);
  });

  it('has at least a dozen hostile cases', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    ['data.csv', ['data.csv']],
    ['raw/2024/jan/part-0001.parquet', ['raw', '2024', 'jan', 'part-0001.parquet']],
    ['..hidden', ['..hidden']],
    ['a..b/.c', ['a..b', '.c']],
    ['ünïcødé/画像.png', ['ünïcødé', '画像.png']],
    ['100% done.txt', ['100% done.txt']],
    ['console.log', ['console.log']],
  ])('accepts %j', (input, segments) => {
    expect(splitRelativePath(input)).toEqual(segments);
  });
});

describe('isWithin', () => {
  it('tells inside from outside', () => {
    expect(isWithin('/r', '/r')).toBe(true);
    expect(isWithin('/r', '/r/a/b')).toBe(true);
    expect(isWithin('/r', '/r/..a')).toBe(true);
    expect(isWithin('/r', '/rx')).toBe(false);
    expect(isWithin('/r', '/')).toBe(false);
  });
});

describe('DatasetName', () => {
  it.each(['iris', 'a', 'sales-2024.q1', 'x_y', '0day', 'a'.repeat(64)])('accepts %j', (name) => {
    expect(DatasetName.safeParse(name).success).toBe(true);
  });

  it.each(['', 'Iris', '-x', '.x', '_x', 'a..b', 'a/b', 'a\\b', 'x.', 'con', 'nul.csv', 'a b', 'a'.repeat(65), 'é'])('refuses %j', (name) => {
    expect(DatasetName.safeParse(name).success).toBe(false);
  });
});
