import { describe, expect, it } from 'vitest';
import { parseDvcFile, serialiseDvcFile, isDvc3Out } from '../../../../backend/src/data/store/dvcfile.js';
import { DvcFileError } from '../../../../backend/src/data/store/errors.js';
import { DVC_DIR_FIXTURES, DVC_FILE_FIXTURE } from './dvc-fixtures.js';

describe('serialiseDvcFile', () => {
  it('writes a file entry as dvc add does', () => {
    expect(serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: 3, path: 'foo' })).toBe(DVC_FILE_FIXTURE.dvcText);
    expect(serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: 3, isexec: true, path: 'foo' })).toBe(DVC_FILE_FIXTURE.dvcTextExecutable);
  });

  it.each(Object.entries(DVC_DIR_FIXTURES).filter(([, f]) => f.dvcText))('writes the directory text DVC asserts in %s', (_source, fixture) => {
    const nfiles = Object.keys(fixture.files).length;
    expect(serialiseDvcFile({ md5: fixture.id, size: fixture.size, nfiles, path: 'data' })).toBe(fixture.dvcText);
  });

  it('quotes a path YAML would read as another type, as ruamel does', () => {
    expect(serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: 3, path: '123' })).toContain("path: '123'\n");
    expect(serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: 3, path: 'true' })).toContain("path: 'true'\n");
  });

  it('refuses what DVC could not read back or what would leave the folder', () => {
    expect(() => serialiseDvcFile({ md5: 'x', size: 3, path: 'foo' })).toThrow(DvcFileError);
    expect(() => serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: -1, path: 'foo' })).toThrow(/size/);
    expect(() => serialiseDvcFile({ md5: DVC_FILE_FIXTURE.md5, size: 3, path: '../foo' })).toThrow(/'\.\.'/);
  });
});

describe('parseDvcFile', () => {
  it('round-trips what serialiseDvcFile wrote', () => {
    const out = { md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2, path: 'data' };
    const parsed = parseDvcFile(serialiseDvcFile(out));
    expect(parsed).toEqual({ outs: [{ ...out, hash: 'md5' }] });
    expect(isDvc3Out(parsed.outs[0]!)).toBe(true);
    expect(serialiseDvcFile({ md5: parsed.outs[0]!.md5!, size: parsed.outs[0]!.size!, nfiles: parsed.outs[0]!.nfiles, path: parsed.outs[0]!.path })).toBe(
      serialiseDvcFile(out),
    );
  });

  it('reads a file DVC wrote with comments and annotations (tests/func/test_add.py test_add_preserve_fields)', () => {
    const parsed = parseDvcFile(
      [
        '# top comment',
        'desc: top desc',
        'outs:',
        '- path: foo # out comment',
        '  desc: out desc',
        '  type: mytype',
        '  labels:',
        '  - label1',
        '  - label2',
        '  remote: testremote',
        '  md5: acbd18db4cc2f85cedef654fccc4a4d8',
        '  size: 3',
        '  hash: md5',
        'meta: some metadata',
        '',
      ].join('\n'),
    );
    expect(parsed.outs[0]).toMatchObject({ path: 'foo', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, hash: 'md5', labels: ['label1', 'label2'] });
  });

  it('tells a DVC 2.x entry (no hash field) from a DVC 3 one', () => {
    const parsed = parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  path: foo\n');
    expect(isDvc3Out(parsed.outs[0]!)).toBe(false);
  });

  it.each([
    ['outs: [', /not valid YAML/, undefined],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n', /not valid YAML/, undefined],
    ['- 1\n', /\(root\)/, undefined],
    ['outs: []\n', /at least one/, 'outs'],
    ['outs:\n- md5: nothex\n  path: foo\n', /hex/, 'outs.0.md5'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n', /path/, 'outs.0.path'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: ../../etc/passwd\n', /'\.\.'/, 'outs.0.path'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n  sizee: 3\n', /sizee/, 'outs.0'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: -3\n  path: foo\n', /size/, 'outs.0.size'],
    ['cmd: rm -rf /\nouts:\n- path: foo\n', /cmd/, undefined],
  ])('refuses %j', (text, message, field) => {
    let error: unknown;
    try {
      parseDvcFile(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DvcFileError);
    expect((error as DvcFileError).message).toMatch(message);
    expect((error as DvcFileError).field).toBe(field);
  });
});
