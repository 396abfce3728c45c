import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../backend/src/client/index.js';
import { EmbeddedBackend } from '../../../extension/src/backend/embedded.js';
import { isReady } from '../../../extension/src/backend/readyLine.js';
import type { BackendSettings } from '../../../extension/src/backend/settings.js';
import { generateToken } from '../../../extension/src/backend/token.js';
import { LineCollector, tempDir } from '../../fixtures/extension/fakeBackend.js';
import { CLI, is, windowController, type TestWindow } from '../../fixtures/extension/window.js';
import { startTcpProxy } from '../../fixtures/tcp-proxy.js';

// The extension's connection against the real, bundled backend (dist/backend/cli.js, built by global-setup).
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function realBackend(lines = new LineCollector()): Promise<{ backend: EmbeddedBackend; url: string; token: string; version: string; lines: LineCollector }> {
  const token = generateToken();
  const backend = new EmbeddedBackend({ node: process.execPath, cliPath: CLI, dataDir: join(tempDir(), 'data'), driver: 'local', token }, { line: lines.add });
  cleanups.push(() => backend.stop());
  const announced = await backend.start();
  if (!isReady(announced)) throw new Error('a fresh data directory is owned by another backend');
  return { backend, url: announced.url, token, version: announced.version, lines };
}

function controllerFor(settings: Partial<BackendSettings>, remoteToken?: string): TestWindow {
  const window = windowController({ settings, remoteToken });
  cleanups.push(() => window.controller.stop());
  return window;
}

describe('EmbeddedBackend with the real server', () => {
  it('starts it with a fresh token that `me` accepts, and stops it gracefully', async () => {
    const { backend, url, token, version, lines } = await realBackend();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new ApiClient({ url, token });
    const me = await client.call('me');
    expect(me.user.role).toBe('admin');
    expect(me.server).toMatchObject({ version, driver: 'local', tls: false });
    expect(lines.lines.some((l) => l.includes('listening on'))).toBe(true);

    await backend.stop();
    expect(backend.running).toBe(false);
    await expect(client.call('me')).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('ConnectionController with the real server', () => {
  it('starts the embedded backend, connects, notices its death, and restarts it', async () => {
    const { controller, storagePath, logs } = controllerFor({});
    await controller.connect();
    const connected = await controller.connection.when(is('connected', 'down'));
    expect(connected).toMatchObject({
      status: 'connected',
      endpoint: { mode: 'embedded', dataDir: join(storagePath, 'backend') },
      server: { role: 'admin', driver: 'local' },
    });
    await expect(controller.client?.call('me')).resolves.toMatchObject({ user: { role: 'admin' } });
    // The backend's own log reaches the channel, Fastify's JSON lines turned into text.
    expect(logs.some((l) => l.message.includes('Server listening at'))).toBe(true);

    const pid = connected.status === 'connected' ? connected.endpoint.pid : undefined;
    expect(pid).toBeTypeOf('number');
    process.kill(pid ?? 0, 'SIGKILL');
    expect(await controller.connection.when(is('down'))).toMatchObject({ remedy: 'restart' });

    await controller.connect();
    const again = await controller.connection.when(is('connected', 'down'));
    expect(again.status).toBe('connected');
    expect(again.status === 'connected' && again.endpoint.pid).not.toBe(pid);

    await controller.stop();
    expect(controller.state.status).toBe('idle');
    const lastPid = again.status === 'connected' ? (again.endpoint.pid ?? 0) : 0;
    expect(() => process.kill(lastPid, 0)).toThrow();
  });

  it('connects to a remote backend with its token and follows a network drop', async () => {
    const { url, token } = await realBackend();
    const proxy = await startTcpProxy(url);
    cleanups.push(() => proxy.close());
    const { controller } = controllerFor({ url: proxy.url }, token);
    await controller.connect();
    expect(await controller.connection.when(is('connected', 'down'))).toMatchObject({
      status: 'connected',
      endpoint: { mode: 'remote', url: proxy.url },
      server: { role: 'admin' },
    });

    const reconnecting = controller.connection.when(is('reconnecting'));
    proxy.cutAll();
    await reconnecting;
    expect(await controller.connection.when(is('connected', 'down'))).toMatchObject({ status: 'connected' });
  });

  it('reports a rejected token with Set Token as the remedy', async () => {
    const { url } = await realBackend();
    const { controller } = controllerFor({ url }, generateToken());
    await controller.connect();
    expect(await controller.connection.when(is('connected', 'down'))).toMatchObject({
      status: 'down',
      reason: 'token rejected by the backend',
      remedy: 'setToken',
    });
  });
});
