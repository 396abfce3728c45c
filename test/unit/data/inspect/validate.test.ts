import { afterAll, describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../backend/src/data/inspect/errors.js';
import { describe as describeFormat, type Format } from '../../../../backend/src/data/inspect/formats.js';
import { createValidator, validateFile } from '../../../../backend/src/data/inspect/validate.js';
import { TempDir } from './builders.js';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** Feeds `content` in chunks of `size` bytes, as a stream would. */
function validate(format: Format, content: Buffer, size: number, delimiter?: string): void {
  const validator = createValidator(describeFormat(format, delimiter))!;
  for (let i = 0; i < content.length; i += size) validator.write(content.subarray(i, i + size));
  validator.end();
}

function failure(format: Format, content: Buffer, size: number, delimiter?: string): MalformedDataError {
  try {
    validate(format, content, size, delimiter);
  } catch (e) {
    if (e instanceof MalformedDataError) return e;
    throw e;
  }
  throw new Error('expected a MalformedDataError');
}

interface Bad {
  what: string;
  format: Format;
  content: Buffer;
  line: number;
  byteOffset: number;
  problem: RegExp;
}

const bad: Bad[] = [
  { what: 'unbalanced quote', format: 'csv', content: bytes('id,name\n1,ok\n2,"open\n3,x\n'), line: 3, byteOffset: 15, problem: /quoted field opened here is never closed/ },
  { what: 'row with too few fields', format: 'csv', content: bytes('a,b,c\n1,2,3\n4,5\n'), line: 3, byteOffset: 12, problem: /has 2 fields, but the header has 3/ },
  { what: 'row with too many fields', format: 'csv', content: bytes('a,b\n1,2\n3,4,5\n'), line: 3, byteOffset: 8, problem: /has 3 fields, but the header has 2/ },
  { what: 'ragged row after a quoted line break', format: 'csv', content: bytes('a,b\n"x\ny",2\n3\n'), line: 4, byteOffset: 12, problem: /has 1 field, but/ },
  { what: 'text after a closing quote', format: 'csv', content: bytes('a,b\n"x"y,2\n'), line: 2, byteOffset: 7, problem: /text follows the closing quote/ },
  { what: 'invalid UTF-8', format: 'csv', content: bytes('a,b\n1,ok\n2,', [0xff], '\n'), line: 3, byteOffset: 11, problem: /invalid UTF-8/ },
  { what: 'overlong UTF-8', format: 'csv', content: bytes('a,b\n1,', [0xc0, 0xaf], '\n'), line: 2, byteOffset: 6, problem: /invalid UTF-8/ },
  { what: 'UTF-8 cut off at the end', format: 'csv', content: bytes('a,b\n1,', [0xe2, 0x82]), line: 2, byteOffset: 6, problem: /invalid UTF-8/ },
  { what: 'ragged TSV', format: 'tsv', content: bytes('a\tb\n1\t2\t3\n'), line: 2, byteOffset: 4, problem: /has 3 fields/ },
  { what: 'JSON with a missing comma', format: 'json', content: bytes('{"a": [1, 2,\n 3 4]}'), line: 2, byteOffset: 16, problem: /Unexpected NUMBER/ },
  { what: 'JSON cut short', format: 'json', content: bytes('{\n"a": 1'), line: 2, byteOffset: 8, problem: /ends before it is complete/ },
  { what: 'JSON with trailing text', format: 'json', content: bytes('{"a": 1}\nx'), line: 2, byteOffset: 9, problem: /Unexpected "x"/ },
  { what: 'empty JSON', format: 'json', content: bytes('  \n'), line: 1, byteOffset: 0, problem: /holds no JSON value/ },
  { what: 'invalid UTF-8 in JSON', format: 'json', content: bytes('{"a":\n"', [0xed, 0xa0, 0x80], '"}'), line: 2, byteOffset: 7, problem: /invalid UTF-8/ },
  { what: 'JSON Lines with a broken line', format: 'jsonl', content: bytes('{"a": 1}\n{"a": 2\n{"a": 3}\n'), line: 2, byteOffset: 16, problem: /Expected ',' or '}'/ },
  { what: 'JSON Lines with a bare word', format: 'jsonl', content: bytes('{"a": 1}\n\nnope\n'), line: 3, byteOffset: 10, problem: /not valid JSON/ },
  { what: 'text with invalid UTF-8', format: 'text', content: bytes('fine\nstill fine\nnot ', [0xfe], ' fine\n'), line: 3, byteOffset: 20, problem: /invalid UTF-8/ },
];

describe('validators name the line and byte of the first problem', () => {
  for (const size of [1, 3, 1 << 20]) {
    it.each(bad)(`$what (chunks of ${size} B)`, ({ format, content, line, byteOffset, problem }) => {
      const err = failure(format, content, size, format === 'tsv' ? '\t' : undefined);
      expect(err.position).toEqual({ line, byteOffset });
      expect(err.problem).toMatch(problem);
      expect(err.message).toContain(`at line ${line} (byte ${byteOffset})`);
    });
  }
});

const good: { what: string; format: Format; content: Buffer }[] = [
  { what: 'quoted delimiters, quotes and line breaks', format: 'csv', content: bytes('id,text\n1,"a, ""b""\nc"\n2,plain\n') },
  { what: 'CRLF line ends, no final line end', format: 'csv', content: bytes('a,b\r\n1,2\r\n3,4') },
  { what: 'blank lines', format: 'csv', content: bytes('a,b\n1,2\n\n3,4\n\n') },
  { what: 'a quote inside an unquoted field', format: 'csv', content: bytes('size,label\n5,5" screen\n') },
  { what: 'multi-byte UTF-8 and a BOM', format: 'csv', content: bytes([0xef, 0xbb, 0xbf], 'city,n\nSão Paulo,1\n東京,2\n🙂,3\n') },
  { what: 'a JSON document', format: 'json', content: bytes('[\n {"a": "é", "b": [1, 2.5e3, null, true]}\n]\n') },
  { what: 'JSON Lines with CRLF and a blank line', format: 'jsonl', content: bytes('{"a": 1}\r\n\r\n[1, 2]\r\n"x"') },
];

describe('validators accept well-formed content', () => {
  it.each(good)('$what', ({ format, content }) => {
    for (const size of [1, 2, 5, 1 << 20]) expect(() => validate(format, content, size)).not.toThrow();
  });
});

describe('validateFile', () => {
  const dir = new TempDir();
  afterAll(() => dir.remove());

  it('streams a file larger than its chunks and finds a problem near the end', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},"name ${i}, ""quoted""\nsecond line",${i % 7 === 0 ? '' : i * 1.5}`);
    const path = dir.write('big.csv', `id,name,value\n${rows.join('\n')}\n${rows.length},"unterminated,1\n`);
    const err = await validateFile(path, describeFormat('csv', ',')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedDataError);
    // Each row spans two lines; the header is line 1.
    expect((err as MalformedDataError).position.line).toBe(2 + rows.length * 2);
    await expect(validateFile(dir.write('ok.csv', `id,name,value\n${rows.join('\n')}\n`), describeFormat('csv', ','))).resolves.toBeUndefined();
  });

  it('has nothing to check in binary formats', async () => {
    await expect(validateFile(dir.write('x.png', 'whatever'), describeFormat('png'))).resolves.toBeUndefined();
  });
});
