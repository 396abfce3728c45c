import { describe, expect, it } from 'vitest';
import { buildPath } from '../../../backend/src/client/index.js';
import { resolveDriver } from '../../../backend/src/runtime/detect.js';

describe('buildPath', () => {
  it('fills and encodes parameters so they stay one segment', () => {
    expect(buildPath('/api/v1/tokens/:id', { id: 'tok_abc' })).toBe('/api/v1/tokens/tok_abc');
    expect(buildPath('/api/v1/tokens/:id', { id: '../users' })).toBe('/api/v1/tokens/..%2Fusers');
  });
  it('refuses a missing parameter', () => {
    expect(() => buildPath('/api/v1/tokens/:id', {})).toThrow(/missing path parameter "id"/);
  });
});

describe('resolveDriver', () => {
  it('keeps an explicit choice', async () => {
    expect(await resolveDriver('kubernetes', () => Promise.reject(new Error('no docker')))).toBe('kubernetes');
  });
  it('picks docker when the engine answers, else local', async () => {
    expect(await resolveDriver('auto', () => Promise.resolve('OK'))).toBe('docker');
    expect(await resolveDriver('auto', () => Promise.reject(new Error('ENOENT')))).toBe('local');
  });
});
