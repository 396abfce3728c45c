// Starts the real backend (`mlwb server`, built to dist/backend/cli.js) for the dev launcher and
// the e2e harness, and waits for its `--ready-json` line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnGroup, stopGroup } from './processes.mjs';

export const BACKEND_CLI = 'dist/backend/cli.js';

/**
 * @param {{ root: string, dataDir: string, port?: number, token?: string, logFile?: string,
 *           driver?: string, timeoutMs?: number, onSpawn?: (group: import('./processes.mjs').Group) => void }} options
 *   `token` sets MLWB_ADMIN_TOKEN; without it the backend generates one and writes it to
 *   `<dataDir>/admin.token`, which is read back here. `onSpawn` gets the process group at once,
 *   so that a caller interrupted while waiting can still stop it.
 * @returns {Promise<{ group: import('./processes.mjs').Group, url: string, version: string, token: string }>}
 */
export async function startBackend(options) {
  const cli = path.join(options.root, BACKEND_CLI);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  const env = { ...process.env };
  if (options.token) env.MLWB_ADMIN_TOKEN = options.token;
  let ready;
  const readyLine = new Promise((resolve) => { ready = resolve; });
  const group = spawnGroup(process.execPath, [
    cli, 'server',
    '--host', '127.0.0.1',
    '--port', String(options.port ?? 0),
    '--data-dir', options.dataDir,
    '--driver', options.driver ?? 'auto',
    '--ready-json',
    '--stop-on-stdin-end', // a launcher killed outright does not leave the server behind
  ], {
    cwd: options.root,
    env,
    stdinPipe: true,
    logFile: options.logFile,
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      try {
        const msg = JSON.parse(line);
        if (msg && msg.mlwbReady === true && typeof msg.url === 'string') ready(msg);
      } catch { /* an ordinary log line that happens to start with "{" */ }
    },
  });
  options.onSpawn?.(group);
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer;
  const outcome = await Promise.race([
    readyLine,
    group.exited.then(({ code, signal }) => new Error(`backend exited (${signal ?? code}) before it was ready`)),
    new Promise((resolve) => { timer = setTimeout(() => resolve(new Error(`backend not ready after ${timeoutMs} ms`)), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (outcome instanceof Error) {
    await stopGroup(group);
    outcome.message += `\n--- backend output ---\n${group.output()}`;
    throw outcome;
  }
  const token = options.token ?? readTokenFile(options.dataDir);
  return { group, url: outcome.url, version: String(outcome.version ?? ''), token };
}

function readTokenFile(dataDir) {
  const file = path.join(dataDir, 'admin.token');
  if (!existsSync(file)) throw new Error(`no admin token: set MLWB_ADMIN_TOKEN or let the backend write ${file}`);
  return readFileSync(file, 'utf8').trim();
}
