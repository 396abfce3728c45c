import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../../../backend/src/data/store/errors.js';
import { buildManifest, compareCodePoints, parseManifest, pythonJsonString } from '../../../../backend/src/data/store/manifest.js';
import { DVC_DIR_FIXTURES } from './dvc-fixtures.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const entriesOf = (files: Record<string, string>) => Object.entries(files).map(([relpath, content]) => ({ md5: md5(content), relpath }));

describe('buildManifest', () => {
  it.each(Object.entries(DVC_DIR_FIXTURES))('gives the id DVC asserts in %s', (_source, fixture) => {
    expect(buildManifest(entriesOf(fixture.files)).id).toBe(fixture.id);
  });

  it('writes the bytes of Python json.dumps(sort_keys=True), sorted by relpath', () => {
    const { bytes, entries } = buildManifest([
      { md5: md5('2'), relpath: 'b/x' },
      { md5: md5('1'), relpath: 'a' },
    ]);
    expect(bytes.toString('utf8')).toBe(`[{"md5": "${md5('1')}", "relpath": "a"}, {"md5": "${md5('2')}", "relpath": "b/x"}]`);
    expect(entries.map((e) => e.relpath)).toEqual(['a', 'b/x']);
  });

  it('sorts by whole relpath string, not by tree (as Python sorts the list)', () => {
    const order = buildManifest([{ relpath: 'a0' }, { relpath: 'a/b' }, { relpath: 'a-b' }].map((e) => ({ ...e, md5: md5(e.relpath) }))).entries;
    expect(order.map((e) => e.relpath)).toEqual(['a-b', 'a/b', 'a0']);
  });

  it('gives an empty folder the id of "[]"', () => {
    expect(buildManifest([]).id).toBe(`${md5('[]')}.dir`);
  });

  it.each([
    [[{ md5: 'nothex', relpath: 'a' }], /invalid md5/],
    [[{ md5: md5('a'), relpath: '../a' }], /'\.\.'/],
    [[{ md5: md5('a'), relpath: 'a' }, { md5: md5('b'), relpath: 'a' }], /twice/],
    [[{ md5: md5('a'), relpath: 'a' }, { md5: md5('b'), relpath: 'a/b' }], /both a file and a directory/],
  ])('refuses %j', (entries, reason) => {
    expect(() => buildManifest(entries)).toThrow(ManifestError);
    expect(() => buildManifest(entries)).toThrow(reason);
  });
});

describe('pythonJsonString', () => {
  // Expected values are what CPython's json.dumps prints for the same strings.
  it.each([
    ['plain', '"plain"'],
    ['quote"back\\slash', '"quote\\"back\\\\slash"'],
    ['tab\tnl\ncr\r', '"tab\\tnl\\ncr\\r"'],
    ['\u0001\u007f', '"\\u0001\\u007f"'],
    ['á', '"\\u00e1"'],
    ['画像', '"\\u753b\\u50cf"'],
    ['😀', '"\\ud83d\\ude00"'],
  ])('encodes %j', (input, expected) => {
    expect(pythonJsonString(input)).toBe(expected);
  });
});

describe('compareCodePoints', () => {
  it('orders astral characters after U+FFxx, as Python does', () => {
    expect(compareCodePoints('\uff5e', '😀')).toBeLessThan(0);
    expect('\uff5e' < '😀').toBe(false); // UTF-16 order would get it wrong
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });
});

describe('parseManifest', () => {
  it('round-trips what buildManifest wrote', () => {
    const built = buildManifest(entriesOf({ 'b/c': 'c', a: 'a', 'ü/😀': 'z' }));
    expect(parseManifest(built.bytes)).toEqual(built.entries);
  });

  it('ignores extra keys other DVC versions write', () => {
    expect(parseManifest(`[{"md5": "${md5('a')}", "relpath": "a", "size": 1, "isexec": false}]`)).toEqual([{ md5: md5('a'), relpath: 'a' }]);
  });

  it.each([
    ['not json', /not JSON/],
    ['{"md5": "x"}', /expected array/],
    ['[{"relpath": "a"}]', /0\.md5/],
    [`[{"md5": "${md5('a')}", "relpath": "/etc/passwd"}]`, /absolute/],
    [`[{"md5": "${md5('a')}", "relpath": "..\\\\x"}]`, /backslash/],
  ])('refuses %j', (text, reason) => {
    expect(() => parseManifest(text)).toThrow(ManifestError);
    expect(() => parseManifest(text)).toThrow(reason);
  });
});
