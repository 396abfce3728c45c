import { describe, expect, it } from 'vitest';
import { parseReadyLine } from '../../../extension/src/backend/readyLine.js';

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
