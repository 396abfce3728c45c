import { describe, expect, it } from 'vitest';
import { isReady, parseAlreadyRunningLine, parseAnnouncement, parseReadyLine } from '../../../extension/src/backend/readyLine.js';

describe('parseReadyLine', () => {
  it('reads the announcement', () => {
    expect(parseReadyLine('{"mlwbReady":true,"url":"http://127.0.0.1:41234","version":"0.1.0"}')).toEqual({
      mlwbReady: true,
      url: 'http://127.0.0.1:41234',
      version: '0.1.0',
    });
  });

  it('accepts surrounding whitespace, a Windows line end and an https URL', () => {
    expect(parseReadyLine('  {"mlwbReady":true,"url":"https://127.0.0.1:8787","version":"1.2.3"}\r')?.url).toBe('https://127.0.0.1:8787');
  });

  it.each([
    ['a log line', 'ML Workbench backend 0.1.0 listening on http://127.0.0.1:1'],
    ['a pino line', '{"level":30,"msg":"Server listening at http://127.0.0.1:1"}'],
    ['broken JSON', '{"mlwbReady":true,"url":'],
    ['mlwbReady false', '{"mlwbReady":false,"url":"http://127.0.0.1:1","version":"1"}'],
    ['no URL', '{"mlwbReady":true,"version":"1"}'],
    ['a non-HTTP URL', '{"mlwbReady":true,"url":"file:///etc/passwd","version":"1"}'],
    ['an empty version', '{"mlwbReady":true,"url":"http://127.0.0.1:1","version":""}'],
    ['a JSON array', '["mlwbReady"]'],
  ])('ignores %s', (_, line) => {
    expect(parseReadyLine(line)).toBeUndefined();
  });
});

describe('parseAlreadyRunningLine', () => {
  const line = (fields: Record<string, unknown>): string =>
    JSON.stringify({ mlwbAlreadyRunning: true, pid: 4242, url: 'http://127.0.0.1:40001', version: '0.1.0', startedAt: '2026-01-01T00:00:00.000Z', ...fields });

  it('reads who owns the data directory, with its URL or null while it starts', () => {
    expect(parseAlreadyRunningLine(line({}))).toMatchObject({ pid: 4242, url: 'http://127.0.0.1:40001' });
    expect(parseAlreadyRunningLine(line({ url: null }))?.url).toBeNull();
  });

  it.each([
    ['no pid', { pid: undefined }],
    ['a pid of 0', { pid: 0 }],
    ['a non-HTTP URL', { url: 'file:///x' }],
    ['mlwbAlreadyRunning false', { mlwbAlreadyRunning: false }],
  ])('ignores a line with %s', (_, fields) => {
    expect(parseAlreadyRunningLine(line(fields))).toBeUndefined();
  });

  it('is told apart from the ready line by parseAnnouncement', () => {
    const busy = parseAnnouncement(line({}));
    const ready = parseAnnouncement('{"mlwbReady":true,"url":"http://127.0.0.1:1","version":"1"}');
    expect(busy && isReady(busy)).toBe(false);
    expect(ready && isReady(ready)).toBe(true);
    expect(parseAnnouncement('listening')).toBeUndefined();
  });
});
