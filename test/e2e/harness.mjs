// The e2e fixture: a temp dir with a copy of the sample workspace, the real backend (random
// port, temp data dir, known admin token), code-server with the packaged .vsix in a fresh
// extensions dir and user settings pointing at that backend, and headless Debian chromium.
// Nothing is installed here: `npm run setup` installs code-server and chromium beforehand.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startBackend } from '../../extension/dev/backend.mjs';
import {
  QUIET_SETTINGS, codeServerLayout, findCodeServer, installVsix, startCodeServer, writeConfig, writeUserSettings,
} from '../../extension/dev/code-server.mjs';
import { freePort, stopGroup, waitForHttp } from '../../extension/dev/processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VSIX = path.join(ROOT, 'dist', 'ml-workbench.vsix');
const EXT_TESTS = path.join(ROOT, 'test', 'e2e', 'ext-host', 'index.js');
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
    /** @type {import('playwright-core').Browser | undefined} */ browser: undefined,
    /** @type {import('playwright-core').Page | undefined} */ page: undefined,
    baseUrl: '',
    timings: /** @type {Record<string, number>} */ ({}),
    async stop() {
      await fixture.browser?.close().catch(() => {});
      // newest first: code-server before the backend it talks to
      for (const group of groups.reverse()) await stopGroup(group);
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

    const backend = await startBackend({
      root: ROOT,
      dataDir: path.join(tmp, 'backend-data'),
      token: fixture.token,
      logFile: path.join(tmp, 'backend.log'),
      onSpawn: (group) => groups.push(group),
    });
    fixture.backendUrl = backend.url;
    mark('backendReady');
    log(`  backend ${backend.version} at ${backend.url}`);

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
