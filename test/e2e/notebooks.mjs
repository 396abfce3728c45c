// The Notebooks scenario of the UI e2e (issue #4): with an environment running, open the sample
// notebook (notebooks/kernel-tour.ipynb, opened by VS Code's built-in ipynb support: no other
// extension is installed), pick "ML Workbench: <env> (Python)" in the kernel picker, Run All, and
// see each cell's output: printed text, a DataFrame as an HTML table, a matplotlib plot as an image.
// Needs a backend that runs environments (harness.mjs's environmentDriver).
/* global document -- in functions that run in the page (evaluate) */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { quickPickItem, runCommand } from './workbench.mjs';

const ENV = 'e2e-notebook';
const NOTEBOOK = 'kernel-tour.ipynb';
const KERNEL = `ML Workbench: ${ENV} (Python)`;
// An environment's start takes ~10 s on Docker, 30-60 s with the local driver on a loaded box.
const START_TIMEOUT = 180_000;
/** Kernel start, pandas and matplotlib imports on a small environment. */
const RUN_TIMEOUT = 120_000;

async function waitForRunning(fixture, id) {
  const deadline = Date.now() + START_TIMEOUT;
  for (;;) {
    const env = await fixture.api('GET', `/api/v1/environments/${encodeURIComponent(id)}`);
    if (env.state === 'running') return;
    if (env.state === 'failed') throw new Error(`environment ${ENV} failed: ${env.reason}`);
    if (Date.now() > deadline) throw new Error(`environment ${ENV} is still ${env.state} after ${START_TIMEOUT / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function openNotebook(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(NOTEBOOK);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: NOTEBOOK }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.notebookOverlay .cell-list-container').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * The Problems panel as groups: each file row (aria-level 1) with the problem rows under it, as
 * their text. Cells of a notebook are rows named after the notebook.
 */
async function problemGroups(page) {
  if (!(await page.locator('.markers-panel').first().isVisible())) await page.keyboard.press('Control+Shift+M');
  return page.evaluate(() => {
    const groups = [];
    for (const row of document.querySelectorAll('.markers-panel .monaco-list-row')) {
      const text = /** @type {HTMLElement} */ (row).innerText.replace(/\s+/g, ' ');
      if (row.getAttribute('aria-level') === '1') groups.push({ file: text, problems: [] });
      else groups.at(-1)?.problems.push(text);
    }
    return groups;
  });
}

/** The notebook's output webview (two nested iframes). */
const outputs = (page) => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/**
 * @param {{ page: import('playwright-core').Page, fixture: any, check: (name: string, fn: () => Promise<void>) => Promise<boolean>,
 *           shot: (page: import('playwright-core').Page, name: string) => Promise<unknown>, log?: (line: string) => void }} t
 */
export async function notebookChecks({ page, fixture, check, shot, log = console.log }) {
  const { driver, reason } = fixture.environments;
  if (!driver) {
    log(`  - notebooks: skipped (${reason})`);
    return;
  }
  let envId;
  try {
    await check(`Notebooks (${driver} driver): ${NOTEBOOK} runs on "${KERNEL}" with text, table and plot outputs`, async () => {
      // The environment comes from the API: the Environments scenario covers creating one in the UI.
      envId = (await fixture.api('POST', '/api/v1/environments', { name: ENV, image: 'python-cpu', cpus: 0.5, memoryMiB: 768 })).id;
      await waitForRunning(fixture, envId);
      await openNotebook(page);

      // The kernel picker opens from the notebook toolbar's kernel item ("Select Kernel", or the kernel
      // VS Code already suggests when ours is the only controller for .ipynb).
      const toolbar = page.locator('.notebookOverlay .notebook-toolbar-container, .notebookOverlay .notebook-kernel-action, .notebookOverlay .kernel-label');
      await toolbar.getByText(/Select Kernel|ML Workbench/).first().click({ timeout: 30_000 });
      const item = quickPickItem(page, KERNEL);
      await item.first().waitFor({ timeout: 30_000 }).catch(async () => {
        const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
        throw new Error(`"${KERNEL}" is not in the kernel picker, which lists: ${JSON.stringify(rows)}`);
      });
      await item.first().click();
      await page.locator('.notebookOverlay').getByText(KERNEL).first().waitFor({ timeout: 15_000 }).catch(() => {
        throw new Error(`the notebook toolbar does not show "${KERNEL}" as its kernel`);
      });

      const t0 = performance.now();
      await runCommand(page, 'Notebook: Run All');
      const frame = outputs(page);
      await frame.getByText(/Python 3\.\d+/).first().waitFor({ timeout: RUN_TIMEOUT });
      await frame.locator('table').filter({ hasText: 'versicolor' }).first().waitFor({ timeout: RUN_TIMEOUT });
      // VS Code renders a cell's output only once the cell is scrolled into view (a panel left open by
      // an earlier scenario leaves the plot cell below the fold): scroll down until the plot shows.
      await page.locator('.notebookOverlay .cell-list-container').first().hover();
      const plot = frame.locator('img').first();
      const deadline = performance.now() + RUN_TIMEOUT;
      while (!(await plot.isVisible())) {
        if (performance.now() > deadline) throw new Error('the plot cell shows no image');
        await page.mouse.wheel(0, 240);
        await plot.waitFor({ timeout: 2_000 }).catch(() => undefined);
      }
      log(`    (all outputs ${Math.round(performance.now() - t0)} ms after Run All)`);
      // The kernel's numbers: [1], [2], [3] beside the cells.
      const orders = await page.locator('.notebookOverlay .cell-execution-order, .notebookOverlay .execution-count-label').allInnerTexts();
      if (!orders.some((o) => o.includes('3'))) log(`    (execution order labels: ${JSON.stringify(orders)})`);
      // the table and the plot together in the screenshot: the markdown and first cells scrolled away
      await page.locator('.notebookOverlay .cell-list-container').first().hover();
      for (let i = 0; i < 5; i++) {
        await page.mouse.wheel(0, 200);
        await page.waitForTimeout(200);
      }
      await page.waitForTimeout(1000); // the list scrolls smoothly and the image decodes: let the screenshot show both
      await shot(page, 'notebooks-1-outputs');
    });

    await check('Notebooks: "Restart Kernel" in the notebook toolbar restarts the environment\'s kernel', async () => {
      await page.locator('.notebookOverlay .notebook-toolbar-container').getByText('Restart Kernel', { exact: true }).first().click({ timeout: 15_000 });
      await page.locator('[id="workbench.parts.statusbar"]').getByText(`restarted the kernel in ${ENV}`).first().waitFor({ timeout: 30_000 });
    });

    await check('Notebooks: a cell that raises shows its exception in the Problems panel, at the cell line that raised', async () => {
      // a new cell below the focused one, its editor focused
      await runCommand(page, 'Notebook: Insert Code Cell Below');
      await page.keyboard.type('x = 1\n1 / 0', { delay: 20 });
      await runCommand(page, 'Notebook: Execute Cell');
      // View: Toggle Problems (Ctrl+Shift+M) would close the panel if it showed already.
      if (!(await page.locator('.markers-panel').first().isVisible())) await page.keyboard.press('Control+Shift+M');
      // (the Jobs scenario's ZeroDivisionError may stand in the panel too, from source "ML Workbench job …")
      const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'ZeroDivisionError: division by zero' }).filter({ hasText: 'ML Workbench notebook' });
      await problem.first().waitFor({ state: 'visible', timeout: RUN_TIMEOUT }).catch(async () => {
        const shown = await page.locator('.markers-panel').first().innerText().catch(() => '(no Problems panel)');
        throw new Error(`no "ZeroDivisionError: division by zero" from "ML Workbench notebook" in the Problems panel, which shows: ${shown.slice(0, 400)}`);
      });
      const text = (await problem.first().innerText()).replace(/\s+/g, ' ');
      if (!text.includes('[Ln 2,')) throw new Error(`the problem reads "${text}": expected it at [Ln 2, …]`);
      await page.waitForTimeout(300); // the panel slides open: let the screenshot show it in place
      await shot(page, 'notebooks-2-problem');
    });

    await check('Notebooks: a cell calling a workspace module that raises puts the problem at the module\'s line too (the workspace is synced, the kernel starts in the notebook\'s folder)', async () => {
      await runCommand(page, 'Notebook: Insert Code Cell Below');
      // Typed as a user would (VS Code closes brackets and quotes, and overtypes the closers typed
      // after them), on one line: an Enter would accept the word completion showing ("pd" → "pandas").
      await page.keyboard.type('import sys; sys.path.insert(0, "../src"); import pandas as pd; from petal_stats import spread; spread(pd.read_csv("../data/raw/iris.csv"), "virginia")', { delay: 20 });
      await runCommand(page, 'Notebook: Execute Cell');
      const module = readFileSync(path.join(fixture.workspace, 'src', 'petal_stats.py'), 'utf8').split('\n');
      const line = module.findIndex((l) => l.includes('raise ValueError')) + 1;
      const deadline = Date.now() + RUN_TIMEOUT;
      let groups;
      for (;;) {
        groups = await problemGroups(page);
        const inModule = groups.find((g) => g.file.includes('petal_stats.py'))?.problems ?? [];
        if (inModule.some((p) => p.includes("ValueError: no flowers of species 'virginia'") && p.includes('ML Workbench notebook') && p.includes(`[Ln ${line},`))) break;
        if (Date.now() > deadline) throw new Error(`no ValueError from "ML Workbench notebook" at petal_stats.py line ${line} in the Problems panel, which shows: ${JSON.stringify(groups).slice(0, 600)}`);
        await page.waitForTimeout(500);
      }
      const onCell = groups.find((g) => g.file.includes(NOTEBOOK))?.problems ?? [];
      if (!onCell.some((p) => p.includes("ValueError: no flowers of species 'virginia'") && p.includes('[Ln 1,'))) throw new Error(`the cell's own problem is missing: ${JSON.stringify(onCell)}`);
      await page.waitForTimeout(300);
      await shot(page, 'notebooks-3-module-problem');
    });
  } finally {
    if (envId) await fixture.api('DELETE', `/api/v1/environments/${encodeURIComponent(envId)}?purge=true`).catch((err) => log(`  notebooks: could not delete ${ENV}: ${err}`));
  }
}
