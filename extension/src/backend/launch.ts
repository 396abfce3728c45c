import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedStartError, type EmbeddedBackend } from './embedded.js';
import { probeBackend, type Probe } from './probe.js';
import { isReady, type AlreadyRunningLine } from './readyLine.js';
import { processAlive, readServerLock } from './serverLock.js';

/** The embedded backend this window uses: one it started (and stops), or one another window started. */
export type Launched =
  | { role: 'owner'; backend: EmbeddedBackend; url: string; version: string; pid: number | undefined }
  | { role: 'attached'; url: string; version: string; pid: number };

export interface LaunchOptions {
  dataDir: string;
  /** A new, unstarted backend process; one is made for each attempt. */
  create(): EmbeddedBackend;
  /** How long to wait for a backend that owns the data directory but does not answer yet. */
  waitTimeoutMs?: number;
  pollMs?: number;
  probe?: Probe;
  /** Checked while waiting: true ends the attempt. */
  cancelled?(): boolean;
}

/** Starting again after the owner vanished: each time, the backend we found was gone before it answered. */
const MAX_ATTEMPTS = 3;

/**
 * Starts the backend on `dataDir`, or attaches to the one that already owns it (the server allows
 * one per data directory): another window's, which may still be starting, or still be closing.
 */
export async function launchEmbedded(options: LaunchOptions): Promise<Launched> {
  for (let attempt = 1; ; attempt += 1) {
    const backend = options.create();
    const announced = await backend.start();
    if (isReady(announced)) return { role: 'owner', backend, url: announced.url, version: announced.version, pid: backend.pid };
    const owner = await waitForOwner(options, announced);
    if (owner) return { role: 'attached', ...owner };
    if (attempt >= MAX_ATTEMPTS) {
      throw new EmbeddedStartError('exited', `the backends found on ${options.dataDir} stopped before they answered, ${MAX_ATTEMPTS} times`);
    }
  }
}

/**
 * Waits until the backend that owns the data directory answers at its URL (undefined once it is
 * gone: its process ended, or its lock was released or taken over). Its URL is null while it starts,
 * and a backend that is closing still holds the lock but refuses connections.
 */
async function waitForOwner(options: LaunchOptions, found: AlreadyRunningLine): Promise<{ url: string; version: string; pid: number } | undefined> {
  const { dataDir, waitTimeoutMs = 60_000, pollMs = 200, probe = probeBackend } = options;
  const deadline = Date.now() + waitTimeoutMs;
  let { url, version } = found;
  for (;;) {
    if (options.cancelled?.()) throw new Error('cancelled');
    if (!processAlive(found.pid)) return undefined;
    if (url && (await probe(url)) === 'up') return { url, version, pid: found.pid };
    if (Date.now() > deadline) {
      throw new EmbeddedStartError('timeout', `the backend that owns ${dataDir} (pid ${found.pid}) did not answer within ${waitTimeoutMs / 1000} s`);
    }
    await sleep(pollMs);
    const lock = await readServerLock(dataDir);
    if (lock === 'absent') return undefined;
    if (lock === 'unreadable') continue;
    if (lock.pid !== found.pid) return undefined;
    ({ url, version } = lock);
  }
}
