// Child processes for the dev launcher and the e2e harness: each one runs in its own process
// group, so that stopping it also stops everything it started (code-server forks a server, a
// file watcher and an extension host; the backend may start Jupyter servers and jobs).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

/**
 * Spawns `command` detached (its own process group), appending stdout and stderr to `logFile`
 * when given; `onLine` sees every stdout line (e.g. to find a readiness message). With
 * `stdinPipe` its stdin is a pipe held open by this process, which closes when this process
 * dies, even by SIGKILL (for `mlwb server --stop-on-stdin-end`).
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile?: string, onLine?: (line: string) => void, stdinPipe?: boolean }} [options]
 */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: [options.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => { /* EPIPE once the child is gone */ });
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  let tail = '';
  let partial = '';
  const keep = (chunk) => {
    tail = (tail + chunk).slice(-8000);
    log?.write(chunk);
  };
  child.stdout.on('data', (chunk) => {
    keep(chunk);
    if (!options.onLine) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  });
  child.stderr.on('data', keep);
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => {
    child.on('error', (err) => { keep(`\n${err.message}\n`); resolve({ code: null, signal: null }); });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  child.on('close', () => log?.end());
  return {
    child,
    pid: child.pid,
    exited,
    /** the last few KB of output, for error messages */
    output: () => tail,
  };
}

/** @typedef {ReturnType<typeof spawnGroup>} Group */

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process group started by spawnGroup: SIGTERM, then SIGKILL for whatever is still
 * there after `graceMs`. Resolves once no process of the group is left.
 * @param {Group | undefined} group
 */
export async function stopGroup(group, graceMs = 10_000) {
  const pid = group?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // the group is gone already
  }
  const end = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < end) await delay(100);
  if (groupAlive(pid)) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
    while (groupAlive(pid)) await delay(50);
  }
}

/**
 * Polls `url` until it answers below 500. Fails early when `group` exits first.
 * @param {string} url
 * @param {{ timeoutMs?: number, group?: Group }} [options]
 */
export async function waitForHttp(url, { timeoutMs = 60_000, group } = {}) {
  let exited = false;
  group?.exited.then(() => { exited = true; });
  const end = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < end) {
    if (exited) throw new Error(`process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return res;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await delay(150);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${url} (${lastError})`);
}

/** Resolves with whether `port` can be bound on `host` right now. */
function portFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** `preferred` or the next free port above it (up to 100 tries). */
export async function freePort(preferred, host = '127.0.0.1') {
  for (let port = preferred; port < preferred + 100; port++) {
    if (await portFree(port, host)) return port;
  }
  throw new Error(`no free port in ${preferred}-${preferred + 99} on ${host}`);
}
