// The e2e fixture: a temp dir with a copy of the sample workspace, the real backend (random
// port, temp data dir, known admin token), code-server with the packaged .vsix in a fresh
// extensions dir and user settings pointing at that backend, and headless Debian chromium.
// Nothing is installed here: `npm run setup` installs code-server and chromium beforehand.
// The backend runs environments when this host can (see environmentDriver); every environment
// it holds is deleted through its API before it stops, also after a failed run.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BACKEND_CLI } from '../../extension/dev/backend.mjs';
import {
  QUIET_SETTINGS, codeServerLayout, findCodeServer, installVsix, startCodeServer, writeConfig, writeUserSettings,
} from '../../extension/dev/code-server.mjs';
import { freePort, spawnGroup, stopGroup, waitForHttp } from '../../extension/dev/processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VSIX = path.join(ROOT, 'dist', 'ml-workbench.vsix');
const EXT_TESTS = path.join(ROOT, 'test', 'e2e', 'ext-host', 'index.js');
/** The image the Docker driver needs for the e2e environment (python-cpu in the catalog). */
export const ENV_IMAGE = 'mlwb/python-cpu:0.1.0';
/** Small limits for the backend's scheduler: the e2e environment asks for 0.5 CPU and 512 MiB. */
const CAPACITY_ARGS = ['--capacity-cpus', '2', '--capacity-memory-mib', '2048'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** The tools `npm run setup` installs that the e2e suite needs and are missing, or []. */
export function missingTools() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (!codeServerBin()) missing.push('code-server (npm run setup installs it into .mlwb/code-server)');
  return missing;
}

/** What is missing for the e2e suite to run, or [] when all is there. */
export function missingPrerequisites() {
  const missing = missingTools();
  if (!existsSync(VSIX)) missing.push(`${path.relative(ROOT, VSIX)} (npm run package)`);
  return missing;
}

function quietly(file, args, timeout = 20_000) {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout });
    return true;
  } catch {
    return false;
  }
}

/**
 * Which driver the e2e backend runs environments with: docker when an engine answers and has
 * ENV_IMAGE, else local when /usr/bin/python3 has Jupyter (the local driver runs it in a venv),
 * else none, with the reason. MLWB_E2E_DRIVER=docker|local|none forces one (still checked).
 * @returns {{ driver: 'docker' | 'local', reason?: undefined } | { driver: undefined, reason: string }}
 */
export function environmentDriver() {
  const forced = process.env.MLWB_E2E_DRIVER;
  if (forced === 'none') return { driver: undefined, reason: 'MLWB_E2E_DRIVER=none' };
  const reasons = [];
  if (!forced || forced === 'docker') {
    if (!quietly('docker', ['version', '--format', '{{.Server.Version}}'])) reasons.push('no Docker engine answers');
    else if (!quietly('docker', ['image', 'inspect', ENV_IMAGE])) reasons.push(`Docker has no image ${ENV_IMAGE} (devcontainer-images/build.sh builds it)`);
    else return { driver: 'docker' };
  }
  if (!forced || forced === 'local') {
    if (quietly('/usr/bin/python3', ['-c', 'import jupyter_server, ipykernel'])) return { driver: 'local' };
    reasons.push('/usr/bin/python3 cannot import jupyter_server and ipykernel (local driver)');
  }
  return { driver: undefined, reason: reasons.join('; ') };
}

/**
 * `mlwb server` like extension/dev/backend.mjs's startBackend, plus the driver and capacity
 * flags (startBackend takes no extra arguments). Resolves with its URL once the ready line comes.
 */
async function startE2eBackend({ dataDir, token, logFile, driver, onSpawn, timeoutMs = 60_000 }) {
  const cli = path.join(ROOT, BACKEND_CLI);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  let ready;
  const readyLine = new Promise((resolve) => { ready = resolve; });
  const group = spawnGroup(process.execPath, [
    cli, 'server', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--driver', driver ?? 'auto', ...(driver ? CAPACITY_ARGS : []), '--ready-json', '--stop-on-stdin-end',
  ], {
    cwd: ROOT,
    env: { ...process.env, MLWB_ADMIN_TOKEN: token },
    stdinPipe: true,
    logFile,
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      try {
        const msg = JSON.parse(line);
        if (msg?.mlwbReady === true && typeof msg.url === 'string') ready(msg);
      } catch { /* a log line that starts with "{" */ }
    },
  });
  onSpawn(group);
  let timer;
  const outcome = await Promise.race([
    readyLine,
    group.exited.then(({ code, signal }) => new Error(`backend exited (${signal ?? code}) before it was ready`)),
    new Promise((resolve) => { timer = setTimeout(() => resolve(new Error(`backend not ready after ${timeoutMs} ms`)), timeoutMs); }),
  ]);
  clearTimeout(timer);
  if (outcome instanceof Error) throw outcome;
  return { url: outcome.url, version: String(outcome.version ?? '') };
}

function codeServerBin() {
  return process.env.CODE_SERVER ?? findCodeServer(path.join(ROOT, process.env.MLWB_HOME ?? '.mlwb', 'code-server'));
}

/**
 * Starts everything and returns the handles plus `stop()`, which always cleans up what was
 * started, also after a failure half-way. Set KEEP_TMP=1 to keep the temp dir (logs).
 */
export async function startFixture(log = console.log) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'mlwb-e2e-'));
  /** @type {import('../../extension/dev/processes.mjs').Group[]} */
  const groups = [];
  const fixture = {
    tmp,
    token: `e2e-${randomBytes(16).toString('hex')}`,
    workspace: path.join(tmp, 'workspace'),
    backendUrl: '',
    /** How the backend runs environments; `driver` undefined means the environment checks skip, for `reason`. */
    environments: environmentDriver(),
    /** @type {import('playwright-core').Browser | undefined} */ browser: undefined,
    /** @type {import('playwright-core').Page | undefined} */ page: undefined,
    baseUrl: '',
    timings: /** @type {Record<string, number>} */ ({}),
    /** The backend's API as the admin: parsed JSON, or throws with the status and body. */
    async api(method, route, body) {
      const res = await fetch(`${fixture.backendUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${fixture.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(120_000),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    },
    /** Deletes (with its workspace) every environment the backend has; returns what it deleted. */
    async deleteEnvironments() {
      const { items } = await fixture.api('GET', '/api/v1/environments');
      for (const env of items) {
        await fixture.api('DELETE', `/api/v1/environments/${encodeURIComponent(env.id)}?purge=true`);
      }
      return items.map((env) => env.name);
    },
    async stop() {
      await fixture.browser?.close().catch(() => {});
      if (fixture.backendUrl && fixture.environments.driver) {
        const left = await fixture.deleteEnvironments().catch((err) => {
          log(`  teardown: could not delete environments through the API: ${err instanceof Error ? err.message : err}`);
          return [];
        });
        if (left.length) log(`  teardown: deleted environment(s) left behind: ${left.join(', ')}`);
      }
      // newest first: code-server before the backend it talks to
      for (const group of groups.reverse()) await stopGroup(group);
      await removeLeftovers(fixture, log);
      if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
    },
    /** Runs test/e2e/ext-host in a second code-server, loading the extension from the repo. */
    runExtensionHostTests: (onLine) => runExtensionHostTests(fixture, groups, onLine),
  };
  const t0 = performance.now();
  const mark = (name) => { fixture.timings[name] = Math.round(performance.now() - t0); };
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    cpSync(path.join(ROOT, 'extension', 'dev', 'sample-workspace'), fixture.workspace, { recursive: true });

    const backend = await startE2eBackend({
      dataDir: path.join(tmp, 'backend-data'),
      token: fixture.token,
      logFile: path.join(tmp, 'backend.log'),
      driver: fixture.environments.driver,
      onSpawn: (group) => groups.push(group),
    });
    fixture.backendUrl = backend.url;
    mark('backendReady');
    const drives = fixture.environments.driver ? `driver ${fixture.environments.driver}` : `no environments: ${fixture.environments.reason}`;
    log(`  backend ${backend.version} at ${backend.url} (${drives})`);

    const workbench = await launchCodeServer(fixture, groups, 'code-server', { vsix: VSIX });
    fixture.baseUrl = workbench.baseUrl;
    mark('codeServerReady');

    fixture.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    fixture.page = await newPage(fixture.browser);
    await fixture.page.goto(`${fixture.baseUrl}/?folder=${encodeURIComponent(fixture.workspace)}`);
    await fixture.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await fixture.page.locator('[id="workbench.parts.statusbar"]').waitFor({ timeout: 60_000 });
    mark('workbenchVisible');
    return fixture;
  } catch (err) {
    if (err instanceof Error) err.message += `\n--- output of the last process started ---\n${groups.at(-1)?.output() ?? ''}`;
    await fixture.stop();
    throw err;
  }
}

/**
 * After the backend stopped: whatever an environment it failed to delete left behind. Docker:
 * containers and volumes labelled with this backend's id (`<dataDir>/backend.id`; nobody
 * else's). Local: Jupyter process groups recorded in the data dir's state files.
 */
async function removeLeftovers(fixture, log) {
  const dataDir = path.join(fixture.tmp, 'backend-data');
  if (fixture.environments.driver === 'docker') {
    let backendId;
    try {
      backendId = readFileSync(path.join(dataDir, 'backend.id'), 'utf8').trim();
    } catch {
      return; // the backend never started
    }
    if (!/^[a-z0-9]+$/.test(backendId)) return;
    const list = (args) => {
      try {
        return execFileSync('docker', [...args, '--filter', `label=mlwb.backend=${backendId}`], { encoding: 'utf8', timeout: 20_000 })
          .split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    const containers = list(['ps', '-aq']);
    if (containers.length) quietly('docker', ['rm', '-f', ...containers], 60_000);
    const volumes = list(['volume', 'ls', '-q']);
    if (volumes.length) quietly('docker', ['volume', 'rm', '-f', ...volumes], 60_000);
    if (containers.length || volumes.length) log(`  teardown: removed Docker leftovers of backend ${backendId}: ${[...containers, ...volumes].join(' ')}`);
  } else if (fixture.environments.driver === 'local') {
    for (const file of stateFiles(dataDir)) {
      let pid;
      try {
        pid = JSON.parse(readFileSync(file, 'utf8'))?.run?.pid;
      } catch { continue; }
      if (!Number.isInteger(pid)) continue;
      try {
        // only while that pid is still a Jupyter server (a pid can be reused once it exited)
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('jupyter')) continue;
      } catch { continue; }
      try {
        process.kill(-pid, 'SIGKILL'); // the local driver starts Jupyter as its own process group
        log(`  teardown: killed the Jupyter process group ${pid} left by ${file}`);
      } catch { continue; /* already gone */ }
      // until it is reaped (orphans go to init)
      for (const end = Date.now() + 10_000; Date.now() < end && existsSync(`/proc/${pid}`);) await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** state.json files of the local driver under `dir` (a few levels deep). */
function stateFiles(dir, depth = 4) {
  if (depth < 0 || !existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...stateFiles(full, depth - 1));
    else if (entry.name === 'state.json') found.push(full);
  }
  return found;
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

/**
 * A code-server with a fresh layout under the fixture's temp dir, its settings pointing at the
 * backend and MLWB_TOKEN in its environment (the extension host inherits it).
 */
async function launchCodeServer(fixture, groups, name, { vsix }) {
  const bin = codeServerBin();
  const layout = codeServerLayout(path.join(fixture.tmp, name));
  const port = await freePort(18000 + Math.floor(Math.random() * 2000));
  writeConfig(layout, port);
  writeUserSettings(layout, { ...QUIET_SETTINGS, 'mlwb.backend.url': fixture.backendUrl });
  if (vsix) installVsix(bin, layout, vsix);
  const group = startCodeServer(bin, layout, {
    folder: fixture.workspace,
    env: { MLWB_TOKEN: fixture.token },
    logFile: path.join(fixture.tmp, `${name}.log`),
  });
  groups.push(group);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/healthz`, { group, timeoutMs: 60_000 });
  return { group, baseUrl, port };
}

/**
 * Mocha inside code-server's Node extension host: the workbench URL's `payload` names the
 * extension under development (this repo) and the test module; the workbench reports the
 * exit code through window.codeAutomationExit (recipe §5a).
 * @returns {Promise<number>} the exit code
 */
async function runExtensionHostTests(fixture, groups, onLine = console.log, timeoutMs = 180_000) {
  if (!fixture.browser) throw new Error('fixture not started');
  const { group, baseUrl, port } = await launchCodeServer(fixture, groups, 'ext-host', { vsix: undefined });
  const page = await newPage(fixture.browser);
  try {
    let exit;
    const exited = new Promise((resolve) => { exit = resolve; });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      for (const line of String(Array.isArray(args) ? args.join(' ') : args).split('\n')) onLine(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(Number(code)));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(EXT_TESTS)]]);
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(fixture.workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer;
    const outcome = await Promise.race([
      exited,
      group.exited.then(() => new Error('code-server exited during the extension-host tests')),
      new Promise((resolve) => { timer = setTimeout(() => resolve(new Error(`extension-host tests timed out after ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  } finally {
    await page.context().close().catch(() => {});
    await stopGroup(group);
  }
}
