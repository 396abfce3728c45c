import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBackend } from '../../../extension/src/backend/embedded.js';
import { launchEmbedded, type LaunchOptions } from '../../../extension/src/backend/launch.js';
import type { Probe } from '../../../extension/src/backend/probe.js';
import { FAKE_URL, tempDir, writeFakeCli, writeLock } from '../../fixtures/extension/fakeBackend.js';

// The attach path: a fake server that respects the data directory's lock as the real one does,
// and locks written by the test in the place of another window's backend.
const OTHER_URL = 'http://127.0.0.1:40001';
const spawned: EmbeddedBackend[] = [];
const owners: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(spawned.splice(0).map((b) => b.stop()));
  for (const owner of owners.splice(0)) owner.kill('SIGKILL');
});

function setup(probe: Probe = async () => 'up', overrides: Partial<LaunchOptions> = {}): { options: LaunchOptions; dataDir: string; create: ReturnType<typeof vi.fn> } {
  const dir = tempDir();
  const cliPath = writeFakeCli(join(dir, 'cli.js'), 'respects-lock');
  const dataDir = join(dir, 'data');
  const create = vi.fn(() => {
    const backend = new EmbeddedBackend({ node: process.execPath, cliPath, dataDir, driver: 'local', token: 'mlwb_abcdefghijklmnopqrstuvwxyz012345' });
    spawned.push(backend);
    return backend;
  });
  return { options: { dataDir, create, probe, pollMs: 50, waitTimeoutMs: 5_000, ...overrides }, dataDir, create };
}

/** A live process to stand for the other window's backend in the lock. */
function otherBackend(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
  owners.push(child);
  return child;
}

describe('launchEmbedded', () => {
  it('starts and owns the backend when nobody else has the data directory', async () => {
    const { options } = setup();
    await expect(launchEmbedded(options)).resolves.toMatchObject({ role: 'owner', url: FAKE_URL, pid: expect.any(Number) });
  });

  it('attaches to the backend that owns the data directory, at the URL the already-running line names', async () => {
    const { options, dataDir } = setup();
    writeLock(dataDir, { pid: process.pid, url: OTHER_URL });
    const launched = await launchEmbedded(options);
    expect(launched).toEqual({ role: 'attached', url: OTHER_URL, version: '9.9.9', pid: process.pid });
    // The process it spawned only told who owns the directory, and exits on its own.
    expect(spawned).toHaveLength(1);
    await vi.waitFor(() => expect(spawned[0]?.running).toBe(false));
  });

  it('waits while the owner is still starting (no URL yet), then attaches once its lock has one', async () => {
    const probe = vi.fn<Probe>(async () => 'up');
    const { options, dataDir, create } = setup(probe);
    writeLock(dataDir, { pid: process.pid, url: null });
    const launching = launchEmbedded(options);
    await new Promise((r) => setTimeout(r, 300));
    expect(probe).not.toHaveBeenCalled();
    writeLock(dataDir, { pid: process.pid, url: OTHER_URL });
    await expect(launching).resolves.toMatchObject({ role: 'attached', url: OTHER_URL });
    expect(create).toHaveBeenCalledTimes(1);
  });

  // `cancelled` is asked once per wait: the first call tells that the launcher is waiting for the owner.
  it('starts its own backend when the owner dies while it starts', async () => {
    const owner = otherBackend();
    const { options, dataDir, create } = setup(undefined, { cancelled: () => owner.kill('SIGKILL') && false });
    writeLock(dataDir, { pid: owner.pid!, url: null });
    // Its lock stays behind, stale: the next start takes it over.
    await expect(launchEmbedded(options)).resolves.toMatchObject({ role: 'owner', url: FAKE_URL });
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('waits out an owner that is closing (its port refuses) and starts once its lock is released', async () => {
    const owner = otherBackend();
    let waits = 0;
    const release = (): boolean => {
      if (++waits === 3) rmSync(join(dataDir, 'server.lock'));
      return false;
    };
    const { options, dataDir, create } = setup(async () => 'refused', { cancelled: release });
    writeLock(dataDir, { pid: owner.pid!, url: OTHER_URL });
    await expect(launchEmbedded(options)).resolves.toMatchObject({ role: 'owner' });
    expect(create).toHaveBeenCalledTimes(2);
    expect(waits).toBeGreaterThanOrEqual(3);
  });

  it('gives up, naming the owner, when it never answers', async () => {
    const { options, dataDir } = setup(async () => 'silent', { waitTimeoutMs: 300 });
    writeLock(dataDir, { pid: process.pid, url: OTHER_URL });
    await expect(launchEmbedded(options)).rejects.toMatchObject({ name: 'EmbeddedStartError', reason: 'timeout', message: expect.stringContaining(`pid ${process.pid}`) });
  });

  it('stops waiting when the attempt is cancelled', async () => {
    let cancelled = false;
    const { options, dataDir } = setup(undefined, { cancelled: () => cancelled });
    writeLock(dataDir, { pid: process.pid, url: null });
    const launching = launchEmbedded(options);
    setTimeout(() => (cancelled = true), 200);
    await expect(launching).rejects.toThrow('cancelled');
  });
});
