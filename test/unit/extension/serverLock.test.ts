import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownerGone, processAlive, readServerLock } from '../../../extension/src/backend/serverLock.js';
import { tempDir, writeLock } from '../../fixtures/extension/fakeBackend.js';

/** The id of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 0;

describe('readServerLock', () => {
  it('reads the lock the server writes, with or without its URL', async () => {
    const dataDir = tempDir();
    writeLock(dataDir, { pid: 123, url: null });
    expect(await readServerLock(dataDir)).toMatchObject({ pid: 123, url: null });
    writeLock(dataDir, { pid: 123, url: 'http://127.0.0.1:4000' });
    expect(await readServerLock(dataDir)).toMatchObject({ pid: 123, url: 'http://127.0.0.1:4000' });
  });

  it('tells a missing lock from one it cannot read', async () => {
    const dataDir = tempDir();
    expect(await readServerLock(dataDir)).toBe('absent');
    writeFileSync(join(dataDir, 'server.lock'), '{"pid":');
    expect(await readServerLock(dataDir)).toBe('unreadable');
    writeFileSync(join(dataDir, 'server.lock'), '{"pid":"12"}');
    expect(await readServerLock(dataDir)).toBe('unreadable');
  });
});

describe('ownerGone', () => {
  it('is false while the process lives and its lock names it; half-written locks change nothing', async () => {
    const dataDir = tempDir();
    writeLock(dataDir, { pid: process.pid, url: null });
    expect(await ownerGone(dataDir, process.pid)).toBe(false);
    writeFileSync(join(dataDir, 'server.lock'), '');
    expect(await ownerGone(dataDir, process.pid)).toBe(false);
  });

  it('is true once the process ended, the lock was released, or another backend took it over', async () => {
    const dataDir = tempDir();
    const dead = deadPid();
    expect(processAlive(dead)).toBe(false);
    writeLock(dataDir, { pid: dead, url: null });
    expect(await ownerGone(dataDir, dead)).toBe(true);
    writeLock(dataDir, { pid: process.ppid, url: null });
    expect(await ownerGone(dataDir, process.pid)).toBe(true);
    expect(await ownerGone(tempDir(), process.pid)).toBe(true);
  });
});
