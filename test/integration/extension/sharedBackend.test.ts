import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState, Endpoint } from '../../../extension/src/backend/connection.js';
import { processAlive } from '../../../extension/src/backend/serverLock.js';
import { memoryTokenStore, tempDir } from '../../fixtures/extension/fakeBackend.js';
import { is, windowController, type TestWindow } from '../../fixtures/extension/window.js';

// Two editor windows on one machine: one global storage (so one data directory, which the backend
// owns alone) and one secret storage. Against the real, bundled backend.
const windows: TestWindow[] = [];
afterEach(async () => {
  await Promise.all(windows.splice(0).map((w) => w.controller.stop()));
});

function editor(tokenReadDelayMs = 0): () => TestWindow {
  const storagePath = tempDir();
  const embeddedToken = memoryTokenStore(undefined, tokenReadDelayMs);
  return () => {
    const window = windowController({ storagePath, embeddedToken });
    windows.push(window);
    return window;
  };
}

async function connected(window: TestWindow): Promise<Endpoint> {
  await window.controller.connect();
  const state = await window.controller.connection.when(is('connected', 'down'));
  if (state.status !== 'connected') throw new Error(`not connected: ${JSON.stringify(state)}`);
  return state.endpoint;
}

const settledAsOwner = (s: ConnectionState): boolean => s.status === 'down' || (s.status === 'connected' && s.endpoint.attached === false);

describe('two windows and one embedded backend', () => {
  it('share the backend of the first; the second neither stops it nor outlives it', async () => {
    const openWindow = editor();
    const first = openWindow();
    const second = openWindow();

    const owned = await connected(first);
    const attached = await connected(second);
    expect(owned).toMatchObject({ mode: 'embedded', attached: false, pid: expect.any(Number) });
    expect(attached).toEqual({ ...owned, attached: true });
    // One token for both: the second window's requests are accepted.
    await expect(second.controller.client?.call('me')).resolves.toMatchObject({ user: { role: 'admin' } });
    expect(second.logs.some((l) => l.message.includes('another window started'))).toBe(true);

    // Closing the attached window leaves the backend to its owner.
    await second.controller.stop();
    expect(processAlive(owned.pid!)).toBe(true);
    await expect(first.controller.client?.call('me')).resolves.toMatchObject({ user: { role: 'admin' } });

    // It comes back attached, and when the owner closes, starts a backend of its own.
    await expect(connected(second)).resolves.toMatchObject({ url: owned.url, attached: true });
    const gone = second.controller.connection.when(is('reconnecting', 'starting'));
    await first.controller.stop();
    expect(processAlive(owned.pid!)).toBe(false);
    await gone;
    const taken = await second.controller.connection.when(settledAsOwner);
    expect(taken).toMatchObject({ status: 'connected', endpoint: { mode: 'embedded', attached: false } });
    const endpoint = taken.status === 'connected' ? taken.endpoint : undefined;
    expect(endpoint?.pid).not.toBe(owned.pid);
    await expect(second.controller.client?.call('me')).resolves.toMatchObject({ user: { role: 'admin' } });

    await second.controller.stop();
    await vi.waitFor(() => expect(existsSync(join(second.storagePath, 'backend', 'server.lock'))).toBe(false));
  });

  it('two windows that start together on a fresh install end on one backend and one token', async () => {
    // Slow reads: both find no token and store one of their own; the owner's must win.
    const openWindow = editor(200);
    const [a, b] = [openWindow(), openWindow()];
    const [ea, eb] = await Promise.all([connected(a), connected(b)]);
    expect(ea.url).toBe(eb.url);
    expect([ea.attached, eb.attached].sort()).toEqual([false, true]);
    await expect(a.controller.client?.call('me')).resolves.toBeDefined();
    await expect(b.controller.client?.call('me')).resolves.toBeDefined();
  });
});
