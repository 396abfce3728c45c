// The Jobs scenario of the UI e2e (issue #4): open a script of the sample workspace that raises
// (src/petal_means.py), run "ML Workbench: Run File in Environment", and find its traceback as an
// error in the Problems panel at the line that raised; the job shows under its environment in the
// Environments view. Needs a backend that runs environments (harness.mjs's environmentDriver).
import { runCommand, sidebarRow } from './workbench.mjs';

const ENV = 'e2e-jobs';
const SCRIPT = 'petal_means.py';
/** Where the sample raises: `return sum(values) / len(values)` in mean(). */
const RAISED_AT = { line: 13, message: 'ZeroDivisionError: division by zero' };
// An environment's start takes ~10 s on Docker, 30-60 s with the local driver on a loaded box.
const START_TIMEOUT = 180_000;
/** Sync, job start and the run itself. */
const JOB_TIMEOUT = 120_000;

/** Opens a workspace file in the editor through Quick Open (Ctrl+P). */
async function openFile(page, name) {
  await page.locator('[id="workbench.parts.statusbar"]').click({ position: { x: 2, y: 2 } }).catch(() => {});
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
}

/**
 * @param {{ page: import('playwright-core').Page, fixture: any, check: (name: string, fn: () => Promise<void>) => Promise<boolean>,
 *           shot: (page: import('playwright-core').Page, name: string) => Promise<unknown>, log?: (line: string) => void }} t
 */
export async function jobChecks({ page, fixture, check, shot, log = console.log }) {
  const { driver, reason } = fixture.environments;
  if (!driver) {
    log(`  - jobs: skipped (${reason})`);
    return;
  }
  const t0 = performance.now();
  let envId;
  try {
    const row = sidebarRow(page, ENV);
    const ran = await check(`Jobs (${driver} driver): "Run File in Environment" on ${SCRIPT} puts its traceback in the Problems panel`, async () => {
      // The environment comes from the API: the Environments scenario covers creating one in the UI.
      envId = (await fixture.api('POST', '/api/v1/environments', { name: ENV, image: 'python-cpu', cpus: 0.5, memoryMiB: 512 })).id;
      await row.first().locator('.codicon-pass-filled').waitFor({ state: 'visible', timeout: START_TIMEOUT });
      await openFile(page, SCRIPT);
      await runCommand(page, 'ML Workbench: Run File in Environment');
      // The job's terminal opens, named after the job and the environment.
      await page.locator('[id="workbench.parts.panel"]').filter({ hasText: new RegExp(`Job job_\\w+ · ${ENV}`) }).first()
        .waitFor({ state: 'visible', timeout: JOB_TIMEOUT });
      // View: Toggle Problems (Ctrl+Shift+M) would close the panel if it showed already.
      if (!(await page.locator('.markers-panel').first().isVisible())) await page.keyboard.press('Control+Shift+M');
      const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: RAISED_AT.message });
      await problem.first().waitFor({ state: 'visible', timeout: JOB_TIMEOUT }).catch(async () => {
        const shown = await page.locator('.markers-panel').first().innerText().catch(() => '(no Problems panel)');
        throw new Error(`no "${RAISED_AT.message}" in the Problems panel, which shows: ${shown.slice(0, 400)}`);
      });
      const text = (await problem.first().innerText()).replace(/\s+/g, ' ');
      if (!/ML Workbench job job_\w+/.test(text) || !text.includes(`[Ln ${RAISED_AT.line},`)) {
        throw new Error(`the problem reads "${text}": expected the source "ML Workbench job <id>" and [Ln ${RAISED_AT.line}, …]`);
      }
      log(`    (problem "${text}" ${Math.round(performance.now() - t0)} ms after the environment was asked for)`);
      // The editor underlines the expression that raised.
      await page.locator('.editor-instance .squiggly-error').first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.waitForTimeout(300); // the panel slides open: let the screenshot show it in place
      await shot(page, 'jobs-1-problem');
    });

    if (ran) {
      await check('Jobs: the failed job shows under its environment; a click opens its log, ending with the outcome and the file:line that raised', async () => {
        const twistie = row.first().locator('.monaco-tl-twistie.collapsible');
        await twistie.waitFor({ state: 'visible', timeout: 15_000 });
        if (await twistie.evaluate((el) => el.classList.contains('collapsed'))) await twistie.click();
        const jobRow = sidebarRow(page, `python3 src/${SCRIPT}`);
        await jobRow.first().waitFor({ state: 'visible', timeout: 15_000 });
        await jobRow.first().locator('.codicon-error').waitFor({ state: 'visible', timeout: 15_000 });
        const label = await jobRow.first().getAttribute('aria-label');
        if (!label?.includes('failed (exit 1)')) throw new Error(`the job row's aria-label: ${label}`);
        // A click opens the job's log: its terminal, which ends with the outcome and where it raised.
        await jobRow.first().click();
        const terminal = page.locator('[id="workbench.parts.panel"] .xterm-rows');
        await terminal.filter({ hasText: '✖ failed (exit 1)' }).first().waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
          const shown = await terminal.first().innerText().catch(() => '(no terminal rows)');
          throw new Error(`the job's terminal shows: ${shown.slice(-600)}`);
        });
        const text = (await terminal.first().innerText()).replace(/\s+/g, ' ');
        if (!new RegExp(`at \\S*src/${SCRIPT}:${RAISED_AT.line}`).test(text)) throw new Error(`no link to src/${SCRIPT}:${RAISED_AT.line} in the terminal: ${text.slice(-400)}`);
        await shot(page, 'jobs-2-log');
      });

      await check('Jobs: "Debug File in Environment" without the Python Debugger extension says what to install, and starts no job', async () => {
        const before = (await fixture.api('GET', `/api/v1/jobs?envId=${encodeURIComponent(envId)}`)).items.length;
        await openFile(page, SCRIPT);
        await runCommand(page, 'ML Workbench: Debug File in Environment');
        const toast = page.locator('.notifications-toasts').filter({ hasText: 'debugging needs the Python Debugger extension' });
        await toast.first().waitFor({ state: 'visible', timeout: 15_000 });
        if (!(await toast.first().getByRole('button', { name: 'Show Python Debugger Extension' }).isVisible())) throw new Error('the message offers no way to the extension');
        const after = (await fixture.api('GET', `/api/v1/jobs?envId=${encodeURIComponent(envId)}`)).items.length;
        if (after !== before) throw new Error(`${after - before} job(s) started without a debugger to attach`);
        await page.keyboard.press('Escape');
      });
    }
  } finally {
    // Leave the workbench as the next scenario expects it: no panel taking half the editor's height.
    const panel = page.locator('[id="workbench.parts.panel"]');
    if (await panel.isVisible().catch(() => false)) {
      await page.keyboard.press('Control+J'); // View: Toggle Panel
      await panel.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => log('  jobs: the panel stayed open'));
    }
    if (envId) await fixture.api('DELETE', `/api/v1/environments/${encodeURIComponent(envId)}?purge=true`).catch((err) => log(`  jobs: could not delete ${ENV}: ${err}`));
  }
}
