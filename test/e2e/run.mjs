// UI end-to-end test: the packaged extension (dist/ml-workbench.vsix) in code-server, connected
// to the real backend, driven in headless Debian chromium by playwright-core.
//   npm run test:e2e            (packages first; `npm run setup` must have installed code-server)
// Prints "N passed, N failed", exits 1 on any failure. Screenshots: test/e2e/artifacts/ (a failed
// check adds failure-<n>.png). The Environments checks need Docker with mlwb/python-cpu or a
// python3 with Jupyter (harness.mjs's environmentDriver); without either they are skipped, saying why.
// Then runs test/e2e/ext-host (mocha) inside code-server's Node extension host.
// Env: CODE_SERVER, CHROMIUM (binaries), KEEP_TMP=1 (keep the temp dir with the logs),
//      MLWB_E2E_DRIVER=docker|local|none (the environments driver; default: the first that works),
//      VERBOSE=1 (echo the workbench log of the extension-host run).
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { datasetChecks } from './datasets.mjs';
import { environmentChecks } from './environments.mjs';
import { jobChecks } from './jobs.mjs';
import { notebookChecks } from './notebooks.mjs';
import { ARTIFACTS, missingPrerequisites, startFixture } from './harness.mjs';
import {
  openViewContainer, paletteCommands, runCommand, selectedOutputChannel, sidebarViewTitles,
  statusBarItem, statusBarTexts, waitForView, waitForVisibleText,
} from './workbench.mjs';

const CONTAINER = 'ML Workbench';
const VIEWS = ['Environments', 'Datasets', 'Experiments', 'Models', 'Pipelines'];
// "connected" as a word, and not "disconnected" / "not connected"
const CONNECTED = /(?<!dis|not )\bconnected\b/i;

const missing = missingPrerequisites();
if (missing.length) {
  console.log(`e2e: cannot run, missing: ${missing.join('; ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// failure shots of an earlier run would read as this run's
mkdirSync(ARTIFACTS, { recursive: true });
for (const name of readdirSync(ARTIFACTS).filter((n) => /^failure.*\.png$/.test(n))) rmSync(path.join(ARTIFACTS, name), { force: true });

const results = [];
const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

async function check(name, fn) {
  const t = performance.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Math.round(performance.now() - t)} ms)`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    const message = String(err instanceof Error ? err.message : err).split('\n').slice(0, 8).join('\n    ');
    console.log(`  ✗ ${name}\n    ${message}`);
    await shot(fixture.page, `failure-${results.length}`).catch(() => {});
    return false;
  }
}

const started = performance.now();
let fixture;
process.on('SIGINT', async () => { await fixture?.stop(); process.exit(130); });
try {
  console.log('e2e: starting backend, code-server and chromium');
  fixture = await startFixture();
  const { page } = fixture;

  await check(`activity bar opens "${CONTAINER}" with the views ${VIEWS.join(', ')}`, async () => {
    await openViewContainer(page, CONTAINER);
    for (const view of VIEWS) {
      await waitForView(page, view).catch(async () => {
        throw new Error(`view "${view}" not shown; sidebar views: ${JSON.stringify(await sidebarViewTitles(page))}`);
      });
    }
    fixture.timings.viewsVisible = Math.round(performance.now() - started);
    await shot(page, '1-views');
  });

  await check('status bar shows the backend as connected', async () => {
    await statusBarItem(page, CONNECTED).first().waitFor({ timeout: 60_000 }).catch(async () => {
      throw new Error(`no status bar item matching ${CONNECTED}; items: ${JSON.stringify(await statusBarTexts(page))}`);
    });
    await shot(page, '2-status-bar');
  });

  const commands = await paletteCommands(page, `${CONTAINER}:`);
  console.log(`  (palette shows ${commands.length} "${CONTAINER}:" commands: ${commands.join(', ')})`);
  const run = (title) => runCommand(page, title);

  await check(`"${CONTAINER}: Show Connection Details" shows the backend URL`, async () => {
    await run(`${CONTAINER}: Show Connection Details`);
    await waitForVisibleText(page, fixture.backendUrl.replace(/^https?:\/\//, ''));
    await page.waitForTimeout(500); // toasts slide in: let the screenshot show it in place
    await shot(page, '3-connection-details');
  });

  await check(`"${CONTAINER}: Show Log" opens its output channel`, async () => {
    await page.keyboard.press('Escape');
    await run(`${CONTAINER}: Show Log`);
    const channel = await selectedOutputChannel(page);
    if (!channel.includes(CONTAINER)) throw new Error(`Output panel shows channel "${channel}", expected "${CONTAINER}"`);
    await shot(page, '4-log');
  });

  await page.keyboard.press('Escape');
  await environmentChecks({ page, fixture, check, shot });
  await page.keyboard.press('Escape');
  await jobChecks({ page, fixture, check, shot });
  await page.keyboard.press('Escape');
  await datasetChecks({ page, fixture, check, shot });
  await page.keyboard.press('Escape');
  await notebookChecks({ page, fixture, check, shot });

  console.log('e2e: mocha in the extension host (test/e2e/ext-host)');
  const hostResults = [];
  const code = await fixture.runExtensionHostTests((line) => {
    const m = /^mlwb-ext-test (pass|fail) (.*?)(?: :: (.*))?$/.exec(line);
    if (!m) {
      if (process.env.VERBOSE && line.trim()) console.log(`    ${line}`);
      return;
    }
    hostResults.push({ name: `extension host: ${m[2]}`, ok: m[1] === 'pass' });
    console.log(m[1] === 'pass' ? `  ✓ extension host: ${m[2]}` : `  ✗ extension host: ${m[2]}\n    ${m[3] ?? ''}`);
  }).catch((err) => { console.log(`  ✗ ${err instanceof Error ? err.message : err}`); return -1; });
  results.push(...hostResults);
  if (code !== 0 && !hostResults.some((r) => !r.ok)) results.push({ name: `extension-host tests (exit ${code})`, ok: false });
} catch (err) {
  console.log(`  ✗ e2e setup\n    ${String(err instanceof Error ? err.message : err).split('\n').join('\n    ')}`);
  results.push({ name: 'setup', ok: false });
} finally {
  if (results.some((r) => !r.ok) && fixture) {
    for (const name of ['backend.log', 'code-server.log', 'ext-host.log']) {
      try {
        console.log(`--- ${name} (last 30 lines) ---\n${readFileSync(path.join(fixture.tmp, name), 'utf8').trimEnd().split('\n').slice(-30).join('\n')}`);
      } catch { /* not written */ }
    }
  }
  await fixture?.stop();
}

if (fixture) console.log(`  timings (ms since start): ${JSON.stringify(fixture.timings)}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
