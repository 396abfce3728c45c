import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../extension/src/backend/connection.js';
import { detailRows, statusSummary } from '../../../extension/src/backend/summary.js';

const endpoint = { mode: 'embedded' as const, url: 'http://127.0.0.1:4000', dataDir: '/data/backend', pid: 42 };
const server = { user: 'admin', role: 'admin' as const, version: '0.1.0', driver: 'local' as const, tls: false };

describe('statusSummary', () => {
  it.each<[ConnectionState, string, string]>([
    [{ status: 'connected', endpoint, server }, '$(check) ML Workbench: connected', 'normal'],
    [{ status: 'reconnecting', endpoint, server }, '$(sync~spin) ML Workbench: reconnecting', 'warning'],
    [{ status: 'starting' }, '$(sync~spin) ML Workbench: starting', 'normal'],
    [{ status: 'connecting', endpoint }, '$(sync~spin) ML Workbench: connecting', 'normal'],
    [{ status: 'down', reason: 'token rejected by the backend', remedy: 'setToken' }, '$(error) ML Workbench: down', 'error'],
    [{ status: 'idle' }, '$(debug-disconnect) ML Workbench: stopped', 'normal'],
  ])('shows %j as %s', (state, text, tone) => {
    expect(statusSummary(state)).toMatchObject({ text, tone });
  });

  it('puts the URL, user, version and mode in the tooltip', () => {
    const { tooltip } = statusSummary({ status: 'connected', endpoint, server });
    expect(tooltip.split('\n')).toEqual(
      expect.arrayContaining([
        'ML Workbench backend: connected',
        'URL: http://127.0.0.1:4000',
        'User: admin (admin)',
        'Server version: 0.1.0',
        'Mode: built-in (started by this window)',
        'Click for connection details.',
      ]),
    );
  });
});

describe('detailRows', () => {
  it('lists everything known about a connected embedded backend, in order', () => {
    expect(detailRows({ status: 'connected', endpoint, server })).toEqual([
      { label: 'Status', value: 'connected' },
      { label: 'URL', value: 'http://127.0.0.1:4000' },
      { label: 'Mode', value: 'built-in (started by this window)' },
      { label: 'User', value: 'admin (admin)' },
      { label: 'Server version', value: '0.1.0' },
      { label: 'Driver', value: 'local' },
      { label: 'TLS', value: 'no' },
      { label: 'Data directory', value: '/data/backend' },
      { label: 'Process id', value: '42' },
    ]);
  });

  it('tells a backend that another window started, and whose process it is', () => {
    const rows = detailRows({ status: 'connected', endpoint: { ...endpoint, attached: true }, server });
    expect(rows).toContainEqual({ label: 'Mode', value: 'built-in, shared (started by another window, which stops it)' });
    expect(rows).toContainEqual({ label: 'Process id', value: "42 (another window's)" });
  });

  it('shows the problem first when down and leaves out what is unknown', () => {
    const rows = detailRows({ status: 'down', reason: 'no token is set for https://x', remedy: 'setToken', endpoint: { mode: 'remote', url: 'https://x' } });
    expect(rows).toEqual([
      { label: 'Status', value: 'not connected' },
      { label: 'Problem', value: 'no token is set for https://x' },
      { label: 'URL', value: 'https://x' },
      { label: 'Mode', value: 'remote server' },
    ]);
  });
});
