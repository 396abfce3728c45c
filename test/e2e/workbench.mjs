// Page helpers for the VS Code 1.96 workbench served by code-server 4.96.4. Selectors from
// /work/shared/recipes/code-server-e2e.md §4 (checked against this version).

/** @typedef {import('playwright-core').Page} Page */

const STATUS_BAR = '[id="workbench.parts.statusbar"]';
const SIDEBAR = '[id="workbench.parts.sidebar"]';
const PANEL = '[id="workbench.parts.panel"]';
const PALETTE_INPUT = '.quick-input-widget .quick-input-box input';
const PALETTE_ROW = '.quick-input-list .monaco-list-row';

/** Clicks the activity-bar entry of a view container (its `title`) and waits for the sidebar. */
export async function openViewContainer(page, title) {
  await page.getByRole('tab', { name: title }).first().click({ timeout: 60_000 });
  await page.locator(`${SIDEBAR} .composite.title`, { hasText: title }).first().waitFor({ timeout: 30_000 });
}

/** The view titles (pane headers) shown in the sidebar, as written (CSS upper-cases them on screen). */
export async function sidebarViewTitles(page) {
  return page.locator(`${SIDEBAR} .pane-header .title`).evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
}

/** Waits for a view pane header titled `name` in the sidebar. */
export async function waitForView(page, name, timeout = 30_000) {
  await page.locator(`${SIDEBAR} .pane-header .title`).getByText(name, { exact: true }).waitFor({ timeout });
}

/** Texts and accessible labels of every status bar item. */
export async function statusBarTexts(page) {
  return page.locator(`${STATUS_BAR} .statusbar-item`).evaluateAll((els) =>
    els.map((e) => `${e.textContent?.trim() ?? ''} | ${e.querySelector('[aria-label]')?.getAttribute('aria-label') ?? e.getAttribute('aria-label') ?? ''}`));
}

/** A status bar item whose text matches `pattern`. */
export function statusBarItem(page, pattern) {
  return page.locator(`${STATUS_BAR} .statusbar-item`, { hasText: pattern });
}

async function openPalette(page, text) {
  // the workbench needs keyboard focus before F1 reaches it
  await page.locator(`${STATUS_BAR}`).click({ position: { x: 2, y: 2 } }).catch(() => {});
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator(PALETTE_INPUT);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  return input;
}

/** Command titles the palette shows for `prefix` (e.g. "ML Workbench:"; the first screenful), then closes it. */
export async function paletteCommands(page, prefix) {
  await openPalette(page, `>${prefix}`);
  const rows = page.locator(PALETTE_ROW, { hasText: prefix });
  await rows.first().waitFor({ timeout: 15_000 }).catch(() => {});
  const titles = await page.locator(`${PALETTE_ROW} .label-name`).evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
  await page.keyboard.press('Escape');
  return titles.filter((t) => t.startsWith(prefix));
}

/** Runs a command by its full palette title ("Category: Title"). */
export async function runCommand(page, title) {
  await openPalette(page, `>${title}`);
  const row = page.locator(PALETTE_ROW).filter({ has: page.locator('.label-name').getByText(title, { exact: true }) });
  await row.first().waitFor({ timeout: 15_000 }).catch(async () => {
    await page.keyboard.press('Escape');
    throw new Error(`"${title}" is not in the command palette`);
  });
  await row.first().click();
  await page.locator(PALETTE_INPUT).waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => {});
}

/** The channel selected in the Output panel, once the panel shows it. */
export async function selectedOutputChannel(page) {
  const select = page.locator(`${PANEL} select.monaco-select-box`).first();
  await select.waitFor({ timeout: 15_000 });
  return select.evaluate((el) => /** @type {HTMLSelectElement} */ (el).selectedOptions[0]?.text ?? '');
}

/** Waits until `text` is visible in a toast, a dialog, the quick input, an editor or the panel. */
export async function waitForVisibleText(page, text, timeout = 15_000) {
  const where = ['.notifications-toasts', '.notifications-center', '.monaco-dialog-box', '.quick-input-widget', '.editor-instance', PANEL];
  await page.locator(where.join(', ')).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}
