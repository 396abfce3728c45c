import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../../../backend/src/data/inspect/detect.js';
import { FormatMismatchError, MalformedDataError, UnsupportedFormatError } from '../../../../backend/src/data/inspect/errors.js';
import * as build from './builders.js';

const dir = new build.TempDir();
afterAll(() => dir.remove());

interface Recognised {
  name: string;
  content: () => Buffer | string | Promise<Buffer>;
  format: string;
  mediaType: string;
  tabular: boolean;
  delimiter?: string;
}

const recognised: Recognised[] = [
  { name: 'people.csv', content: () => 'id,name\n1,"Doe, Jane"\n2,Bo\n', format: 'csv', mediaType: 'text/csv', tabular: true, delimiter: ',' },
  { name: 'people.tsv', content: () => 'id\tname\n1\tJane\n2\tBo\n', format: 'tsv', mediaType: 'text/tab-separated-values', tabular: true, delimiter: '\t' },
  { name: 'semicolons.csv', content: () => 'id;price\n1;2,5\n2;3,0\n', format: 'csv', mediaType: 'text/csv', tabular: true, delimiter: ';' },
  { name: 'export', content: () => 'a|b|c\n1|2|3\n4|5|6\n', format: 'csv', mediaType: 'text/csv', tabular: true, delimiter: '|' },
  { name: 'single-column.csv', content: () => 'value\n1\n2\n', format: 'csv', mediaType: 'text/csv', tabular: true, delimiter: ',' },
  { name: 'table.parquet', content: build.parquetShell, format: 'parquet', mediaType: 'application/vnd.apache.parquet', tabular: true },
  { name: 'records.json', content: () => '[\n  {"a": 1},\n  {"a": 2}\n]\n', format: 'json', mediaType: 'application/json', tabular: true },
  { name: 'records.jsonl', content: () => '{"a": 1}\n{"a": 2}\n', format: 'jsonl', mediaType: 'application/jsonl', tabular: true },
  { name: 'lines-in.json', content: () => '{"a": 1}\n{"a": 2}\n', format: 'jsonl', mediaType: 'application/jsonl', tabular: true },
  { name: 'broken-later.jsonl', content: () => '{"a": 1}\n{"a": 2\n', format: 'jsonl', mediaType: 'application/jsonl', tabular: true },
  { name: 'one.jsonl', content: () => '{"a": 1}\n', format: 'jsonl', mediaType: 'application/jsonl', tabular: true },
  { name: 'book.xlsx', content: build.xlsx, format: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', tabular: true },
  { name: 'photo.jpg', content: build.jpeg, format: 'jpeg', mediaType: 'image/jpeg', tabular: false },
  { name: 'pixel.png', content: build.png, format: 'png', mediaType: 'image/png', tabular: false },
  { name: 'upload.bin', content: build.png, format: 'png', mediaType: 'image/png', tabular: false },
  { name: 'beep.wav', content: build.wav, format: 'wav', mediaType: 'audio/wav', tabular: false },
  { name: 'song.mp3', content: build.mp3, format: 'mp3', mediaType: 'audio/mpeg', tabular: false },
  { name: 'notes.txt', content: () => 'Some notes.\nNothing tabular here\n', format: 'text', mediaType: 'text/plain', tabular: false },
  { name: 'model.pth', content: build.torchZip, format: 'pytorch', mediaType: 'application/x-pytorch', tabular: false },
  { name: 'legacy.pth', content: build.pickle, format: 'pickle', mediaType: 'application/x-python-pickle', tabular: false },
  { name: 'weights.h5', content: build.hdf5, format: 'hdf5', mediaType: 'application/x-hdf5', tabular: false },
  { name: 'model.onnx', content: build.onnx, format: 'onnx', mediaType: 'application/x-onnx', tabular: false },
  { name: 'object.pkl', content: build.pickle, format: 'pickle', mediaType: 'application/x-python-pickle', tabular: false },
];

describe('detectFormat recognises content', () => {
  it.each(recognised)('$name → $format', async ({ name, content, format, mediaType, tabular, delimiter }) => {
    const path = dir.write(name, await content());
    const detected = await detectFormat(path);
    expect(detected).toEqual(delimiter === undefined ? { format, mediaType, tabular } : { format, mediaType, tabular, delimiter });
  });

  it('judges an upload by the name the user gave, not its temp path', async () => {
    const path = dir.write('upload-0001.tmp', build.png());
    await expect(detectFormat(path, 'scan.png')).resolves.toMatchObject({ format: 'png' });
    await expect(detectFormat(path, 'scan.csv')).rejects.toBeInstanceOf(FormatMismatchError);
  });

  it('leaves prose in a .json to validation, which names the line', async () => {
    const path = dir.write('prose.json', 'not json at all\n');
    await expect(detectFormat(path)).resolves.toMatchObject({ format: 'json' });
  });
});

interface Refused {
  name: string;
  content: () => Buffer | string | Promise<Buffer>;
  error: new (...args: never[]) => Error;
  message: RegExp;
}

const refused: Refused[] = [
  { name: 'anim.gif', content: () => Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), error: UnsupportedFormatError, message: /image\/gif \(\.gif\) is not a format/ },
  { name: 'paper.pdf', content: () => '%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', error: UnsupportedFormatError, message: /application\/pdf/ },
  { name: 'empty.csv', content: () => '', error: UnsupportedFormatError, message: /the file is empty/ },
  { name: 'blob.bin', content: () => Buffer.from([0x00, 0x13, 0x37, 0x00, 0x42, 0x00, 0x01, 0x02]), error: UnsupportedFormatError, message: /binary content/ },
  { name: 'bundle.zip', content: () => build.zip({ 'readme.md': '# hi' }), error: UnsupportedFormatError, message: /ZIP archive that is neither/ },
  { name: 'data.csv', content: build.png, error: FormatMismatchError, message: /named \.csv, which means CSV, but its content is PNG image/ },
  { name: 'picture.png', content: () => 'a,b\n1,2\n', error: FormatMismatchError, message: /named \.png, which means PNG image, but its content is CSV/ },
  { name: 'table.csv', content: () => '[{"a": 1}, {"a": 2}]', error: FormatMismatchError, message: /named \.csv, which means CSV, but its content is JSON/ },
  { name: 'model.onnx', content: build.pickle, error: FormatMismatchError, message: /named \.onnx, which means ONNX model, but its content is Python pickle/ },
  { name: 'song.wav', content: build.mp3, error: FormatMismatchError, message: /\.wav, which means WAV audio, but its content is MP3 audio/ },
  { name: 'broken.xlsx', content: () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40, 0x41)]), error: MalformedDataError, message: /malformed ZIP at byte 0/ },
];

describe('detectFormat refuses', () => {
  it.each(refused)('$name: $message', async ({ name, content, error, message }) => {
    const path = dir.write(name, await content());
    const result = detectFormat(path);
    await expect(result).rejects.toBeInstanceOf(error);
    await expect(result).rejects.toThrow(message);
  });

  it('names both the extension and the content in a mismatch', async () => {
    const path = dir.write('named.csv', build.jpeg());
    const err = await detectFormat(path).catch((e: unknown) => e);
    expect(err).toMatchObject({ extension: '.csv', expected: 'CSV', actual: 'JPEG image' });
  });
});
