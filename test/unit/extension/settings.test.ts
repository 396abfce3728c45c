import { describe, expect, it } from 'vitest';
import { checkBackendUrl, readBackendSettings } from '../../../extension/src/backend/settings.js';

describe('readBackendSettings', () => {
  it('reads and trims the values', () => {
    const values: Record<string, unknown> = { url: ' https://mlwb.example.org ', nodePath: '/usr/bin/node', driver: 'docker', caFile: '/ca.pem' };
    expect(readBackendSettings((key) => values[key])).toEqual({ url: 'https://mlwb.example.org', nodePath: '/usr/bin/node', driver: 'docker', caFile: '/ca.pem' });
  });

  it('falls back to the defaults for missing or mistyped values', () => {
    const values: Record<string, unknown> = { url: 42, driver: 'podman' };
    expect(readBackendSettings((key) => values[key])).toEqual({ url: '', nodePath: '', driver: 'auto', caFile: '' });
  });
});

describe('checkBackendUrl', () => {
  it.each(['', '   ', 'http://127.0.0.1:8787', 'https://mlwb.example.org:8443/'])('accepts %j', (url) => {
    expect(checkBackendUrl(url)).toBeUndefined();
  });

  it.each([
    ['not a url', /Enter a URL/],
    ['ftp://mlwb.example.org', /http:\/\/ or https:\/\//],
    ['https://user:secret@mlwb.example.org', /token/],
  ])('refuses %j', (url, message) => {
    expect(checkBackendUrl(url)).toMatch(message);
  });
});
