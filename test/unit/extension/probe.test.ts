import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeBackend } from '../../../extension/src/backend/probe.js';

describe('probeBackend', () => {
  it('is up when anything answers HTTP, and refused once nothing listens', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await probeBackend(url)).toBe('up');
    await new Promise((resolve) => server.close(resolve));
    expect(await probeBackend(url)).toBe('refused');
  });
});
