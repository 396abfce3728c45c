import { describe, expect, it } from 'vitest';
import { bundleItems, ERROR_MIME, errorItem, STDERR_MIME, STDOUT_MIME, streamItem } from '../../../../extension/src/notebooks/outputs.js';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('output mapping', () => {
  it('keeps every representation of a bundle, text/plain last as the fallback', () => {
    const items = bundleItems({ 'text/plain': '   a\n0  1', 'text/html': '<table></table>', 'image/png': PNG.toString('base64'), 'application/json': { a: [1, 2] } });
    expect(items.map((i) => i.mime)).toEqual(['text/html', 'image/png', 'application/json', 'text/plain']);
    expect(text(items[0]!.data)).toBe('<table></table>');
    expect(Buffer.from(items[1]!.data).equals(PNG)).toBe(true);
    expect(JSON.parse(text(items[2]!.data))).toEqual({ a: [1, 2] });
    expect(text(items[3]!.data)).toBe('   a\n0  1');
  });

  it('decodes base64 with line breaks (as nbformat writes it) and joins texts sent as lists of lines', () => {
    const b64 = PNG.toString('base64');
    const items = bundleItems({ 'image/png': `${b64.slice(0, 4)}\n${b64.slice(4)}\n`, 'text/markdown': ['# Title\n', 'body'] });
    expect(Buffer.from(items.find((i) => i.mime === 'image/png')!.data).equals(PNG)).toBe(true);
    expect(text(items.find((i) => i.mime === 'text/markdown')!.data)).toBe('# Title\nbody');
  });

  it('passes other types on (VS Code renders what it can) and vendor JSON types as JSON', () => {
    const items = bundleItems({ 'image/svg+xml': '<svg/>', 'application/vnd.plotly.v1+json': { data: [] } });
    expect(items.map((i) => [i.mime, text(i.data)])).toEqual([
      ['image/svg+xml', '<svg/>'],
      ['application/vnd.plotly.v1+json', '{"data":[]}'],
    ]);
  });

  it('leaves out a text value of the wrong shape', () => {
    expect(bundleItems({ 'text/html': 42, 'text/plain': 'ok' }).map((i) => i.mime)).toEqual(['text/plain']);
  });

  it('maps streams and errors to the MIME types of VS Code’s own renderers', () => {
    expect(streamItem('stdout', 'a').mime).toBe(STDOUT_MIME);
    expect(streamItem('stderr', 'b').mime).toBe(STDERR_MIME);
    const error = errorItem({ ename: 'ValueError', evalue: 'bad', traceback: ['\x1b[31mTraceback\x1b[0m', '----> 1 raise'] });
    expect(error.mime).toBe(ERROR_MIME);
    expect(JSON.parse(text(error.data))).toEqual({ name: 'ValueError', message: 'bad', stack: '\x1b[31mTraceback\x1b[0m\n----> 1 raise' });
  });
});
