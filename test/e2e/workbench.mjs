// Page helpers for the VS Code 1.96 workbench served by code-server 4.96.4. Selectors from
// /work/shared/recipes/code-server-e2e.md §4 (checked against this version).

/** @typedef {import('playwright-core').Page} Page */
/* global document, MutationObserver -- in functions that run in the page (waitForFunction, evaluate) */

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

const QUICK_INPUT = '.quick-input-widget';
const HOVER = '.workbench-hover, .monaco-hover';

/** The quick input's text box (the palette, a quick pick or an input box). */
export function quickInputBox(page) {
  return page.locator(PALETTE_INPUT);
}

/** Waits for a quick input whose title matches `title` (e.g. /Create Environment \(2\/\d\)/); returns the title's text. */
export async function waitForQuickInputTitle(page, title, timeout = 30_000) {
  const locator = page.locator(`${QUICK_INPUT} .quick-input-title`).filter({ hasText: title });
  await locator.first().waitFor({ state: 'visible', timeout });
  return (await locator.first().textContent())?.trim() ?? '';
}

/** The quick input's message line (an input box's prompt, or its validation message). */
export function quickInputMessage(page) {
  return page.locator(`${QUICK_INPUT} .quick-input-message`);
}

/**
 * The open quick pick's row labelled `label` (exactly; an icon before it is ignored). Rows are
 * matched by their label, not their text: another row's detail may mention the same word.
 */
export function quickPickItem(page, label) {
  return page.locator(PALETTE_ROW).filter({ has: page.locator('.label-name').getByText(label, { exact: true }) });
}

/** The tree rows of the sidebar's views that contain `text`. */
export function sidebarRow(page, text) {
  return page.locator(`${SIDEBAR} .monaco-list-row`).filter({ hasText: text });
}

/** The welcome content (text and buttons) a view shows while it is empty, by a line it contains. */
export function viewWelcome(page, text) {
  return page.locator(`${SIDEBAR} .welcome-view-content`).filter({ hasText: text });
}

/**
 * Hovers `target` and waits for a hover whose text matches `pattern`; returns the hover's text.
 * The mouse stays there: call `unhover` to close it.
 */
export async function hoverText(page, target, pattern, timeout = 15_000) {
  await target.hover({ timeout });
  const hover = page.locator(HOVER).filter({ hasText: pattern }).first();
  await hover.waitFor({ state: 'visible', timeout });
  return (await hover.innerText()).trim();
}

/** Moves the mouse to an empty spot of the editor area and waits until no hover shows. */
export async function unhover(page) {
  await page.mouse.move(900, 300);
  await page.locator(HOVER).filter({ visible: true }).first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

/**
 * Right-clicks `target` and runs the context-menu entry `label`: hovered (the menu focuses it),
 * then Enter. A click can be lost: the menu ignores a mouse-up that comes right after it opened.
 */
export async function contextMenu(page, target, label) {
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu .action-item').filter({ hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  await item.hover();
  await page.locator('.context-view .monaco-menu .action-item.focused').filter({ hasText: label }).waitFor({ timeout: 5_000 });
  await page.keyboard.press('Enter');
  await item.waitFor({ state: 'detached', timeout: 5_000 });
}

/**
 * Resolves once the sidebar's DOM has not changed for `quietMs` (at most `timeout`): a tree that
 * redraws under an open context menu can lose the row the menu was opened on.
 */
export async function sidebarSettled(page, quietMs = 400, timeout = 10_000) {
  await page.evaluate(([sidebar, quiet, limit]) => new Promise((resolve) => {
    const root = document.querySelector(sidebar) ?? document.body;
    let timer;
    const done = () => {
      observer.disconnect();
      clearTimeout(timer);
      clearTimeout(giveUp);
      resolve(undefined);
    };
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(done, quiet);
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    timer = setTimeout(done, quiet);
    const giveUp = setTimeout(done, limit);
  }), [SIDEBAR, quietMs, timeout]);
}

/** Waits for a modal dialog containing `text` and clicks its button `label` (exact). */
export async function dialogButton(page, text, label) {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: text });
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  await dialog.getByRole('button', { name: label, exact: true }).click();
}

/** Waits until the Output panel shows the channel `name`. */
export async function waitForOutputChannel(page, name, timeout = 15_000) {
  await page.waitForFunction(([panel, wanted]) => [...document.querySelectorAll(`${panel} select.monaco-select-box`)]
    .some((el) => /** @type {HTMLSelectElement} */ (el).selectedOptions[0]?.text === wanted), [PANEL, name], { timeout })
    .catch(async () => { throw new Error(`the Output panel shows channel "${await selectedOutputChannel(page)}", not "${name}"`); });
}

/**
 * Waits until the lines the Output panel shows match `pattern`. Monaco renders spaces as U+00A0
 * and wraps long lines into rows, so the text is compared with its whitespace folded to one space.
 */
export async function waitForOutputText(page, pattern, timeout = 30_000) {
  await page.waitForFunction(([panel, source, flags]) => {
    const lines = document.querySelector(`${panel} .monaco-editor .view-lines`);
    return !!lines && new RegExp(source, flags).test(/** @type {HTMLElement} */ (lines).innerText.replace(/\s+/g, ' '));
  }, [PANEL, pattern.source, pattern.flags], { timeout, polling: 250 });
}

/** The text the Output panel shows now (the lines in view). */
export async function outputText(page) {
  return page.locator(`${PANEL} .monaco-editor .view-lines`).first().innerText();
}

/** A status bar item by the id its extension gave it (the DOM id ends with it). */
export function statusBarItemById(page, id) {
  return page.locator(`${STATUS_BAR} .statusbar-item[id$="${id}"]`);
}
