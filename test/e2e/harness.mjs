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
  const fixture = {
    tmp,
    token: `e2e-${randomBytes(16).toString('hex')}`,
    workspace: path.join(tmp, 'workspace'),
    /** @type {Awaited<ReturnType<typeof startBackend>> | undefined} */ backend: undefined,
    /** @type {import('../../extension/dev/processes.mjs').Group | undefined} */ backendGroup: undefined,
    /** @type {import('../../extension/dev/processes.mjs').Group | undefined} */ codeServer: undefined,
    /** @type {import('playwright-core').Browser | undefined} */ browser: undefined,
    /** @type {import('playwright-core').Page | undefined} */ page: undefined,
    baseUrl: '',
    timings: /** @type {Record<string, number>} */ ({}),
    async stop() {
      await fixture.browser?.close().catch(() => {});
      await stopGroup(fixture.codeServer);
      await stopGroup(fixture.backendGroup);
      if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
    },
  };
  const t0 = performance.now();
  const mark = (name) => { fixture.timings[name] = Math.round(performance.now() - t0); };
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    cpSync(path.join(ROOT, 'extension', 'dev', 'sample-workspace'), fixture.workspace, { recursive: true });

    fixture.backend = await startBackend({
      root: ROOT,
      dataDir: path.join(tmp, 'backend-data'),
      token: fixture.token,
      logFile: path.join(tmp, 'backend.log'),
      onSpawn: (group) => { fixture.backendGroup = group; },
    });
    mark('backendReady');
    log(`  backend ${fixture.backend.version} at ${fixture.backend.url}`);

    const bin = codeServerBin();
    const layout = codeServerLayout(path.join(tmp, 'code-server'));
    const port = await freePort(18000 + Math.floor(Math.random() * 2000));
    writeConfig(layout, port);
    writeUserSettings(layout, { ...QUIET_SETTINGS, 'mlwb.backend.url': fixture.backend.url });
    installVsix(bin, layout, VSIX);
    mark('vsixInstalled');

    fixture.codeServer = startCodeServer(bin, layout, {
      folder: fixture.workspace,
      env: { MLWB_TOKEN: fixture.token },
      logFile: path.join(tmp, 'code-server.log'),
    });
    fixture.baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${fixture.baseUrl}/healthz`, { group: fixture.codeServer, timeoutMs: 60_000 });
    mark('codeServerReady');

    fixture.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await fixture.browser.newContext({ viewport: { width: 1400, height: 900 } });
    fixture.page = await context.newPage();
    await fixture.page.goto(`${fixture.baseUrl}/?folder=${encodeURIComponent(fixture.workspace)}`);
    await fixture.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await fixture.page.locator('[id="workbench.parts.statusbar"]').waitFor({ timeout: 60_000 });
    mark('workbenchVisible');
    return fixture;
  } catch (err) {
    if (err instanceof Error && fixture.codeServer) err.message += `\n--- code-server output ---\n${fixture.codeServer.output()}`;
    await fixture.stop();
    throw err;
  }
}
