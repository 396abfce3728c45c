// `npm start`: the packaged extension in code-server, connected to a local backend, with the
// sample workspace open. Everything lives under ./.mlwb (override with MLWB_HOME):
//   data/         the backend's data dir (admin.token is there unless MLWB_ADMIN_TOKEN is set)
//   code-server/  code-server itself, installed on first run when none is on PATH
//   vscode/       code-server's config, user settings, extensions and XDG dirs
//   workspace/    a copy of extension/dev/sample-workspace, made on first run
//   logs/         package.log, backend.log, code-server.log
// Env: MLWB_PORT (code-server, default 8080 or the next free one), MLWB_BACKEND_PORT (default: any).
// Ctrl-C (SIGINT) or SIGTERM stops everything it started.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from './backend.mjs';
import {
  QUIET_SETTINGS, codeServerLayout, findCodeServer, installCodeServer, installVsix,
  startCodeServer, writeConfig, writeUserSettings,
} from './code-server.mjs';
import { freePort, stopGroup, waitForHttp } from './processes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOME = path.resolve(ROOT, process.env.MLWB_HOME ?? '.mlwb');
const VSIX = path.join(ROOT, 'dist', 'ml-workbench.vsix');
const WORKSPACE = path.join(HOME, 'workspace');
const dirs = {
  data: path.join(HOME, 'data'),
  codeServer: path.join(HOME, 'code-server'),
  logs: path.join(HOME, 'logs'),
};

/** @type {import('./processes.mjs').Group[]} */
const started = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  // code-server first, so the extension host does not see the backend vanish under it
  for (const group of started.reverse()) await stopGroup(group);
  console.log('stopped.');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));
// `npm start` runs this under `sh -c`: a SIGTERM sent to npm stops npm and the shell but not this
// process, which is then re-parented. Stop with them rather than run on unseen.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) stopAll(0); }, 1000).unref();

/** Runs a command with its output in `logFile`, shown only when it fails. */
function run(command, args, logFile) {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'w');
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      closeSync(out);
      if (code === 0) return resolve();
      console.error(readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'));
      reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}); log: ${path.relative(ROOT, logFile)}`));
    });
  });
}

const step = (text) => console.log(`\n▶ ${text}`);

async function main() {
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

  step('packaging the extension (npm run package)');
  await run('npm', ['run', '--silent', 'package'], path.join(dirs.logs, 'package.log'));
  console.log(`  ${path.relative(ROOT, VSIX)}`);

  step('starting the backend');
  const backend = await startBackend({
    root: ROOT,
    dataDir: dirs.data,
    port: Number(process.env.MLWB_BACKEND_PORT ?? 0),
    token: process.env.MLWB_ADMIN_TOKEN,
    logFile: path.join(dirs.logs, 'backend.log'),
    onSpawn: (group) => started.push(group),
  });
  console.log(`  backend ${backend.version} at ${backend.url} (log: ${path.relative(ROOT, dirs.logs)}/backend.log)`);

  let bin = findCodeServer(dirs.codeServer);
  if (!bin) {
    step(`installing code-server into ${path.relative(ROOT, dirs.codeServer)} (first run only, about a minute)`);
    bin = installCodeServer(dirs.codeServer);
  }

  step('installing the extension into code-server');
  const layout = codeServerLayout(path.join(HOME, 'vscode'));
  const port = await freePort(Number(process.env.MLWB_PORT ?? 8080));
  writeConfig(layout, port);
  const firstRun = !existsSync(path.join(layout.userData, 'User', 'settings.json'));
  writeUserSettings(layout, { ...(firstRun ? QUIET_SETTINGS : {}), 'mlwb.backend.url': backend.url });
  installVsix(bin, layout, VSIX);
  if (!existsSync(WORKSPACE)) cpSync(path.join(ROOT, 'extension', 'dev', 'sample-workspace'), WORKSPACE, { recursive: true });

  step(`starting code-server (${bin})`);
  const codeServer = startCodeServer(bin, layout, {
    folder: WORKSPACE,
    env: { MLWB_TOKEN: backend.token },
    logFile: path.join(dirs.logs, 'code-server.log'),
  });
  started.push(codeServer);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, { group: codeServer, timeoutMs: 60_000 });

  for (const [name, group] of [['backend', backend.group], ['code-server', codeServer]]) {
    group.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(`\n${name} exited unexpectedly (${signal ?? code}); see ${path.relative(ROOT, dirs.logs)}/`);
      stopAll(1);
    });
  }

  console.log(`
ML Workbench is running.
  open:     ${base}/?folder=${encodeURIComponent(WORKSPACE)}
  backend:  ${backend.url}  (admin token: ${process.env.MLWB_ADMIN_TOKEN ? '$MLWB_ADMIN_TOKEN' : path.relative(ROOT, path.join(dirs.data, 'admin.token'))})
  logs:     ${path.relative(ROOT, dirs.logs)}/
Press Ctrl-C to stop.`);
}

main().catch((err) => {
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : err}`);
  stopAll(1);
});
