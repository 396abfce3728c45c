import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerLock } from '../../../backend/src/protocol/index.js';

export const SERVER_LOCK_FILE = 'server.lock';

export { ServerLock };

/** `absent`: no backend owns the directory. `unreadable`: the file is there but not (yet) what it should be. */
export type LockRead = ServerLock | 'absent' | 'unreadable';

const READ_TRIES = 3;

/**
 * The lock of `dataDir`. The server rewrites the file in place when it publishes its URL, so a read
 * can catch it half-written: such a read is tried again before it counts as unreadable.
 */
export async function readServerLock(dataDir: string): Promise<LockRead> {
  for (let attempt = 1; ; attempt += 1) {
    let text: string;
    try {
      text = await readFile(join(dataDir, SERVER_LOCK_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      text = '';
    }
    const parsed = ServerLock.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    if (attempt >= READ_TRIES) return 'unreadable';
    await sleep(50);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the backend `pid` has stopped owning `dataDir`: its process is gone, or the lock was
 * released or taken over by another backend. An unreadable lock is no evidence either way.
 */
export async function ownerGone(dataDir: string, pid: number): Promise<boolean> {
  if (!processAlive(pid)) return true;
  const lock = await readServerLock(dataDir);
  return lock === 'absent' || (lock !== 'unreadable' && lock.pid !== pid);
}
