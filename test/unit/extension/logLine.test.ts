import { describe, expect, it } from 'vitest';
import { parseBackendLine } from '../../../extension/src/backend/logLine.js';

describe('parseBackendLine', () => {
  it('keeps plain lines as they are: stdout as info, stderr as a warning', () => {
    expect(parseBackendLine('ML Workbench backend 0.1.0 listening', 'stdout')).toEqual({ level: 'info', message: 'ML Workbench backend 0.1.0 listening' });
    expect(parseBackendLine('warning: no TLS', 'stderr')).toEqual({ level: 'warn', message: 'warning: no TLS' });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'error'],
  ])('maps pino level %i to %s', (level, expected) => {
    expect(parseBackendLine(JSON.stringify({ level, msg: 'x' }), 'stdout').level).toBe(expected);
  });

  it("spells out Fastify's request lines", () => {
    const incoming = { level: 30, reqId: 'req-1', req: { method: 'GET', url: '/api/v1/me' }, msg: 'incoming request' };
    const completed = { level: 30, reqId: 'req-1', res: { statusCode: 200 }, responseTime: 3.4, msg: 'request completed' };
    expect(parseBackendLine(JSON.stringify(incoming), 'stdout').message).toBe('[req-1] incoming request GET /api/v1/me');
    expect(parseBackendLine(JSON.stringify(completed), 'stdout').message).toBe('[req-1] request completed → 200 (3 ms)');
  });

  it('appends the stack of a logged error', () => {
    const line = JSON.stringify({ level: 50, msg: 'boom', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(parseBackendLine(line, 'stdout')).toEqual({ level: 'error', message: 'boom\nError: boom\n    at x' });
  });

  it('treats JSON that is not a pino record as text', () => {
    expect(parseBackendLine('{"mlwbReady":true}', 'stdout')).toEqual({ level: 'info', message: '{"mlwbReady":true}' });
    expect(parseBackendLine('{not json', 'stderr')).toEqual({ level: 'warn', message: '{not json' });
  });
});
