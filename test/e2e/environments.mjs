// The Environments scenario of the UI e2e (issue #3): create an environment through the
// Create Environment quick input (with a validation message on the way), follow it to running in
// the tree and the notifications, watch the status-bar resource monitor poll, open its log, then
// delete it from the row's context menu. Needs a backend that runs environments (the harness
// picks Docker or the local driver, or says why it cannot).
import {
  contextMenu, dialogButton, hoverText, outputText, quickInputBox, quickInputMessage, quickPickItem,
  runCommand, sidebarRow, statusBarItemById, statusBarTexts, unhover, viewWelcome,
  waitForOutputChannel, waitForOutputText, waitForQuickInputTitle, waitForVisibleText,
} from './workbench.mjs';

const ENV = 'e2e-env';
const IMAGE = 'python-cpu';
const CREATE_TITLE = 'Create Environment';
/** The status-bar monitor's text once figures came: `e2e-env 0% · 0.0/0.5 GiB` (the $(pulse) icon has no text). */
const FIGURES = new RegExp(`${ENV}\\s+\\d+%\\s+·\\s+\\d+\\.\\d/0\\.5 GiB`);
/** Its tooltip's last figures line: `As of <ISO time>.`, new with every poll. */
const AS_OF = /As of (\S+?)\.(?:\s|$)/;
/** Lines Jupyter Server writes as it starts (its own "is running at" and the control-C hint). */
const JUPYTER_START = /Jupyter Server \S+ is running at|Use Control-C to stop this server/;
// An environment's start takes ~10 s on Docker, 30-60 s with the local driver on a loaded box.
const START_TIMEOUT = 180_000;

const textOf = async (locator) => ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Answers step `step` of the Create Environment input box: waits for its title "(step/N)", types `value`, Enter. */
async function answer(page, step, value) {
  await waitForQuickInputTitle(page, `${CREATE_TITLE} (${step}/`);
  await quickInputBox(page).fill(value);
  await quickInputBox(page).press('Enter');
}

/**
 * @param {{ page: import('playwright-core').Page, fixture: any, check: (name: string, fn: () => Promise<void>) => Promise<boolean>,
 *           shot: (page: import('playwright-core').Page, name: string) => Promise<unknown>, log?: (line: string) => void }} t
 */
export async function environmentChecks({ page, fixture, check, shot, log = console.log }) {
  const { driver, reason } = fixture.environments;
  if (!driver) {
    log(`  - environments: skipped (${reason})`);
    return;
  }
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const row = sidebarRow(page, ENV);
  const monitor = statusBarItemById(page, 'mlwb.resources');

  const created = await check(`Environments (${driver} driver): "Create Environment" in the empty view walks the quick input, a bad name shows its message`, async () => {
    const welcome = viewWelcome(page, 'No environments yet.');
    await welcome.waitFor({ state: 'visible', timeout: 60_000 });
    await welcome.getByRole('button', { name: 'Create Environment' }).click();

    // 1: the image; python-cpu is built
    const first = await waitForQuickInputTitle(page, `${CREATE_TITLE} (1/`);
    const totalSteps = Number(/\(1\/(\d+)\)/.exec(first)?.[1]);
    const imageRow = quickPickItem(page, IMAGE);
    await imageRow.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(300); // the quick pick fades in: let the screenshot show it whole
    await shot(page, '5-environment-create');
    await imageRow.click();

    // 2: the name, first a bad one: the validation message shows and Enter does nothing
    await waitForQuickInputTitle(page, `${CREATE_TITLE} (2/`);
    await quickInputBox(page).fill('Bad Name');
    const message = quickInputMessage(page).filter({ hasText: 'must be lowercase letters, digits and dashes' });
    await message.first().waitFor({ state: 'visible', timeout: 15_000 });
    await quickInputBox(page).press('Enter');
    // Enter must not get past it: no step 3 within 2 s, the bad name and its message still there
    const passed = await waitForQuickInputTitle(page, `${CREATE_TITLE} (3/`, 2_000).then(() => true, () => false);
    if (passed || (await quickInputBox(page).inputValue()) !== 'Bad Name' || !(await message.first().isVisible())) {
      throw new Error('Enter went past a name with a validation error');
    }
    // a good name clears the message (validated as typed), then Enter goes on
    await quickInputBox(page).fill(ENV);
    await message.first().waitFor({ state: 'hidden', timeout: 15_000 });
    await quickInputBox(page).press('Enter');
    await answer(page, 3, '0.5');
    await answer(page, 4, '512');
    let step = 5;
    if (totalSteps === 7) await answer(page, step++, '0'); // GPUs: asked only where the host has some
    await answer(page, step++, ''); // apt packages
    await answer(page, step, ''); // pip packages
    await quickInputBox(page).waitFor({ state: 'hidden', timeout: 15_000 });
    log(`    (${totalSteps} steps; submitted after ${since()} ms)`);
  });
  if (!created) return;

  const running = await check(`Environments: notifications "Creating ${ENV}", then "${ENV} is running."; its row shows running`, async () => {
    await waitForVisibleText(page, `Creating ${ENV}`, 60_000);
    await row.first().waitFor({ state: 'visible', timeout: 30_000 });
    await waitForVisibleText(page, `${ENV} is running.`, START_TIMEOUT);
    fixture.timings.environmentRunning = Math.round(performance.now() - t0);
    log(`    (running ${since()} ms after the first step)`);
    // The row: label, description (image, CPUs, memory), the running icon, and a tooltip that says so.
    const label = await row.first().getAttribute('aria-label');
    if (!label?.includes(ENV) || !label.includes(`${IMAGE} · 0.5 CPUs · 512 MiB`)) throw new Error(`row's aria-label: ${label}`);
    await row.first().locator('.codicon-pass-filled').waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
      throw new Error(`no running icon (codicon-pass-filled) in the row: ${await row.first().innerHTML()}`);
    });
    // its Markdown tooltip starts "**e2e-env** — running" (the aria-label has no state: the tooltip is not plain text)
    await hoverText(page, row.first().locator('.monaco-icon-label'), `${ENV} — running`);
    await unhover(page);
  });
  if (running) {
    await check('Environments: the status-bar resource monitor shows its figures and keeps polling', async () => {
      await monitor.filter({ hasText: FIGURES }).waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
        throw new Error(`no status bar item ${FIGURES}; items: ${JSON.stringify(await statusBarTexts(page))}`);
      });
      const text = await textOf(monitor);
      await shot(page, '6-environment-running');
      // Each poll brings figures stamped "As of <time>" (tooltip): a second, newer stamp shows it polls.
      const first = AS_OF.exec(await hoverText(page, monitor, AS_OF))?.[1];
      let second;
      const end = Date.now() + 30_000;
      while (!second && Date.now() < end) {
        await unhover(page);
        const at = AS_OF.exec(await hoverText(page, monitor, AS_OF))?.[1];
        if (at && at !== first) second = at;
      }
      await unhover(page);
      if (!second) throw new Error(`the monitor's figures stayed "As of ${first}" for 30 s (polling every 3 s)`);
      if (!(Date.parse(second) > Date.parse(first))) throw new Error(`"As of" went from ${first} to ${second}`);
      log(`    ("${text}", figures as of ${first}, then ${second})`);
    });

    await check('Environments: "ML Workbench: Show Environment Logs" shows Jupyter starting', async () => {
      await runCommand(page, 'ML Workbench: Show Environment Logs');
      await waitForQuickInputTitle(page, 'Show Environment Logs');
      await quickPickItem(page, ENV).click();
      await waitForOutputChannel(page, `ML Workbench: ${ENV}`);
      await waitForOutputText(page, JUPYTER_START).catch(async () => {
        // Tell a channel that missed the lines from a backend that has none.
        const id = (await fixture.api('GET', '/api/v1/environments')).items.find((e) => e.name === ENV)?.id;
        const tail = id ? (await fixture.api('GET', `/api/v1/environments/${id}/logs?tail=500`)).lines : [];
        const inTail = tail.filter((l) => JUPYTER_START.test(l.line)).length;
        const shown = (await outputText(page)).replace(/\u00a0/g, ' ').trim();
        throw new Error(`no ${JUPYTER_START} in the channel after 30 s, which shows ${shown ? `:\n${shown.slice(-400)}` : 'nothing'}\n`
          + `(the backend's log tail, GET …/logs?tail=500, has ${tail.length} lines, ${inTail} of them matching)`);
      });
      await shot(page, '7-environment-log');
    });
  }

  await check(`Environments: "Delete Environment…" → "Delete and Remove Workspace" removes ${ENV}`, async () => {
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
    await contextMenu(page, row.first(), 'Delete Environment…');
    await dialogButton(page, `Delete environment "${ENV}"?`, 'Delete and Remove Workspace');
    await row.first().waitFor({ state: 'detached', timeout: 60_000 });
    await viewWelcome(page, 'No environments yet.').waitFor({ state: 'visible', timeout: 15_000 });
    await monitor.filter({ hasText: ENV }).waitFor({ state: 'hidden', timeout: 15_000 });
    const { items } = await fixture.api('GET', '/api/v1/environments');
    if (items.length) throw new Error(`the backend still lists ${items.map((e) => `${e.name} (${e.state})`).join(', ')}`);
  });
}
