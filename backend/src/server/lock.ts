import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerLock } from '../protocol/index.js';

/** Written into `<dataDir>/server.lock` while a backend owns the data directory (the protocol's ServerLock). */
export const LockInfo = ServerLock;
export type LockInfo = ServerLock;

export const LOCK_FILE = 'server.lock';

/** Another live backend owns the data directory; `info.url` is null while it is still starting. */
export class DataDirBusyError extends Error {
  constructor(readonly info: LockInfo) {
    super(`another ML Workbench backend (pid ${info.pid}) ${info.url ? `is running at ${info.url}` : 'is starting'} on this data directory`);
    this.name = 'DataDirBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes this process the only backend on `dataDir` (two would both run reconciliation and GC on
 * the same environments and blobs). The file is created exclusively; a lock left by a dead process
 * is taken over. Returns a handle to publish the URL once listening and to release the lock.
 */
export function acquireLock(dataDir: string, version: string): { publish(url: string): void; release(): void } {
  const file = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, url: null, version, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = readLock(dataDir);
      if (holder && alive(holder.pid)) throw new DataDirBusyError(holder);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  let released = false;
  return {
    // written aside and renamed over the lock, so a reader never sees a half-written file
    publish: (url) => {
      writeFileSync(`${file}.tmp`, JSON.stringify({ ...info, url }), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
    release: () => {
      if (released) return;
      released = true;
      if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
