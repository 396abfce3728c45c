import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from '../../../backend/src/client/index.js';
import { startBackend, type BackendProcess } from '../../fixtures/backend-process.js';
import { RawEventsClient } from '../../fixtures/ws-client.js';

describe('HTTPS and WSS with a self-signed certificate', () => {
  let backend: BackendProcess;
  let ca: string;

  beforeAll(async () => {
    backend = await startBackend({ args: ['--tls-self-signed'] });
    const certLine = backend.stdout.find((l) => l.startsWith('TLS certificate: '));
    ca = readFileSync(certLine!.replace('TLS certificate: ', '').replace(/ \(.*$/, ''), 'utf8');
  });
  afterAll(async () => {
    await backend.stop();
  });

  it('listens on https', () => {
    expect(backend.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers an HTTPS request from a client that trusts the certificate', async () => {
    const client = new ApiClient({ url: backend.url, token: backend.token, ca });
    const me = await client.call('me');
    expect(me.server.tls).toBe(true);
    await client.close();
  });

  it('is refused by a client that does not trust it', async () => {
    const client = new ApiClient({ url: backend.url, token: backend.token });
    const err = await client.call('me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('unreachable');
    expect((err as ApiError).message).toMatch(/certificate/i);
    await client.close();
  });

  it('serves the events socket over WSS', async () => {
    const c = RawEventsClient.connect(backend.url, backend.token, { topics: 'tokens' }, {}, ca);
    await c.next('hello');
    const client = new ApiClient({ url: backend.url, token: backend.token, ca });
    const created = await client.call('createToken', { body: { name: 'over tls' } });
    await c.next('event', (m) => m.event.payload.kind === 'resource.created' && m.event.payload.resourceId === created.id);
    await Promise.all([c.close(), client.close()]);
  });

  it('keeps the same certificate across restarts, so trusted clients keep working', async () => {
    await backend.stop(); // one backend per data directory
    const restarted = await startBackend({ dataDir: backend.dataDir, adminToken: backend.token, args: ['--tls-self-signed'] });
    const client = new ApiClient({ url: restarted.url, token: backend.token, ca });
    await expect(client.call('me')).resolves.toBeTruthy();
    await client.close();
    await restarted.stop();
  });
});

describe('binding beyond loopback', () => {
  it('warns when there is no TLS', async () => {
    const backend = await startBackend({ args: ['--host', '0.0.0.0'] });
    expect(backend.stderr.join('\n')).toMatch(/warning: listening on 0\.0\.0\.0 without TLS/);
    await backend.stop();
  });

  it('does not warn with TLS', async () => {
    const backend = await startBackend({ args: ['--host', '0.0.0.0', '--tls-self-signed'] });
    expect(backend.stderr.join('\n')).not.toMatch(/without TLS/);
    await backend.stop();
  });
});
