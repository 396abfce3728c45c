// The Datasets scenario of the UI e2e (issue #5): add a CSV of the workspace through the
// Explorer's "Add Dataset…", see its version in the Datasets view and its profile webview (columns,
// histograms), add the same file again and keep the existing version when told it is identical,
// see a malformed CSV refused with its line,
// add a changed copy as a second version, open the diff webview of the two, then check v1 out into
// the workspace, restore it as latest and delete v2 from the rows' context menus. Needs only the
// backend (no environment driver).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  contextMenu, dialogButton, openViewContainer, quickInputBox, quickPickItem, runCommand, sidebarRow,
  sidebarSettled, statusBarItem, viewWelcome, waitForQuickInputTitle, waitForVisibleText,
} from './workbench.mjs';

const DATASET = 'iris';
const FIRST = 'e2e-iris.csv';
const SECOND = 'e2e-iris-v2.csv';
/** A CSV whose third line has a field too few. */
const BROKEN = 'e2e-broken.csv';
const EXPLORER = '[id="workbench.view.explorer"]';
// Hashing, storing and profiling a small CSV takes well under a second; the rest is the UI.
const TIMEOUT = 60_000;

/**
 * Two CSVs from the sample workspace's Iris data, with an `id` key: the second drops rows 1-3,
 * changes the sepal length of rows 4-6, adds rows 31-33 and a `source` column.
 */
function writeCsvs(workspace) {
  const [header, ...rows] = readFileSync(path.join(workspace, 'data', 'raw', 'iris.csv'), 'utf8').trim().split('\n');
  const first = [`id,${header}`, ...rows.map((r, i) => `${i + 1},${r}`)];
  const second = [`id,${header},source`];
  rows.forEach((r, i) => {
    const id = i + 1;
    if (id <= 3) return;
    const cells = r.split(',');
    if (id <= 6) cells[0] = (Number(cells[0]) + 1).toFixed(1);
    second.push(`${id},${cells.join(',')},field`);
  });
  for (const id of [31, 32, 33]) second.push(`${id},6.${id - 30},3.0,5.0,1.8,virginica,lab`);
  writeFileSync(path.join(workspace, FIRST), `${first.join('\n')}\n`);
  writeFileSync(path.join(workspace, SECOND), `${second.join('\n')}\n`);
  writeFileSync(path.join(workspace, BROKEN), 'a,b,c\n1,2,3\n4,5\n');
  return { rows: rows.length };
}

/** Clears the toasts (they would cover the webview in a screenshot). */
async function clearToasts(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

/** The content frame of the newest webview editor (a webview is two nested iframes). */
function webview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Right-clicks `file` in the Explorer (at the workspace root) and runs Add Dataset…, answering the name and message. */
async function addThroughExplorer(page, file, name, message) {
  await page.keyboard.press('Control+Shift+E');
  const row = page.locator(`${EXPLORER} .monaco-list-row`).filter({ hasText: file });
  await row.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await contextMenu(page, row.first(), 'Add Dataset…');
  await waitForQuickInputTitle(page, 'Add Dataset (1/2)');
  await quickInputBox(page).fill(name);
  await quickInputBox(page).press('Enter');
  await waitForQuickInputTitle(page, 'Add Dataset (2/2)');
  await quickInputBox(page).fill(message);
  await quickInputBox(page).press('Enter');
}

/**
 * @param {{ page: import('playwright-core').Page, fixture: any, check: (name: string, fn: () => Promise<void>) => Promise<boolean>,
 *           shot: (page: import('playwright-core').Page, name: string) => Promise<unknown>, log?: (line: string) => void }} t
 */
export async function datasetChecks({ page, fixture, check, shot, log = console.log }) {
  const { rows } = writeCsvs(fixture.workspace);
  const versionRow = (n) => sidebarRow(page, `v${n}`).filter({ hasText: 'csv' });

  const added = await check(`Datasets: "Add Dataset…" on ${FIRST} in the Explorer adds ${DATASET}@v1, shown under ${DATASET} in the Datasets view`, async () => {
    // the menu entry shows only while connected (its `when` is read as the menu opens)
    await statusBarItem(page, /ML Workbench: connected/).first().waitFor({ timeout: TIMEOUT });
    await page.keyboard.press('Control+Shift+E'); // from the Explorer, the activity bar entry opens the container (it would close it if open)
    await openViewContainer(page, 'ML Workbench');
    await viewWelcome(page, 'No datasets yet.').waitFor({ state: 'visible', timeout: TIMEOUT });
    await addThroughExplorer(page, FIRST, DATASET, 'first cut');
    await waitForVisibleText(page, `Added ${DATASET}@v1.`, TIMEOUT);
    await openViewContainer(page, 'ML Workbench');
    const datasetRow = sidebarRow(page, DATASET).filter({ hasText: '1 version' });
    await datasetRow.first().waitFor({ state: 'visible', timeout: TIMEOUT });
    await datasetRow.first().click(); // expands it
    await versionRow(1).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    const label = await versionRow(1).first().getAttribute('aria-label');
    if (!label?.includes('first cut')) throw new Error(`v1's row reads "${label}", expected its message "first cut"`);
  });
  if (!added) return;

  await check(`Datasets: clicking v1 opens its profile: ${rows} rows, a row per column, histograms`, async () => {
    await versionRow(1).first().click();
    const view = webview(page);
    await view.locator('h1', { hasText: `${DATASET}@v1` }).waitFor({ state: 'visible', timeout: TIMEOUT });
    await view.locator('.counts', { hasText: `${rows} rows · 6 columns` }).waitFor({ state: 'visible', timeout: TIMEOUT });
    for (const column of ['id', 'sepal_length', 'species']) await view.locator('vscode-table.columns strong', { hasText: column }).first().waitFor({ timeout: TIMEOUT });
    const bars = await view.locator('.histogram rect.bar').count();
    if (bars < 5) throw new Error(`the profile draws ${bars} histogram bars`);
    await clearToasts(page);
    await page.waitForTimeout(500); // let the tables lay out before the screenshot
    await shot(page, 'datasets-1-profile');
  });

  await check(`Datasets: adding ${FIRST} again asks "Identical to v1", and "Keep v1" adds nothing`, async () => {
    await runCommand(page, 'View: Close All Editors');
    await addThroughExplorer(page, FIRST, DATASET, 'same again');
    await dialogButton(page, 'Identical to v1', 'Keep v1');
    await openViewContainer(page, 'ML Workbench');
    const { versions } = await fixture.api('GET', `/api/v1/datasets/${DATASET}/versions`);
    if (versions.length !== 1) throw new Error(`the dataset has ${versions.length} versions after "Keep v1"`);
  });

  await check(`Datasets: a malformed CSV is refused with the problem and its line, and nothing is added`, async () => {
    await addThroughExplorer(page, BROKEN, 'broken', '');
    const toast = page.locator('.notifications-toasts').filter({ hasText: 'cannot add broken:' });
    await toast.first().waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
    if (!/line 3/.test(text)) throw new Error(`the error reads "${text}", without the line`);
    const { datasets } = await fixture.api('GET', '/api/v1/datasets');
    if (datasets.some((d) => d.name === 'broken')) throw new Error('a dataset "broken" was added');
    await clearToasts(page);
    await openViewContainer(page, 'ML Workbench');
  });

  await check(`Datasets: a changed copy becomes v2, and "Diff with…" v1 by key id shows the schema, row and statistic changes`, async () => {
    await addThroughExplorer(page, SECOND, DATASET, 'new rows, a source column');
    await waitForVisibleText(page, `Added ${DATASET}@v2.`, TIMEOUT);
    await openViewContainer(page, 'ML Workbench');
    await versionRow(2).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    await contextMenu(page, versionRow(2).first(), 'Diff with…');
    await waitForQuickInputTitle(page, `Diff ${DATASET}@v2 with…`);
    await quickPickItem(page, `${DATASET}@v1`).first().click();
    await waitForQuickInputTitle(page, 'key column');
    await quickInputBox(page).fill('id');
    await quickInputBox(page).press('Enter');
    const view = webview(page);
    await view.locator('h1', { hasText: `${DATASET}@v1 → ${DATASET}@v2` }).waitFor({ state: 'visible', timeout: TIMEOUT });
    await view.locator('.schema-changes .added', { hasText: 'source' }).waitFor({ timeout: TIMEOUT });
    const counts = (await view.locator('.row-changes .counts').innerText()).replace(/\s+/g, ' ');
    if (!counts.includes('+3 added') || !counts.includes('−3 removed') || !counts.includes('~3 changed')) throw new Error(`row counts read "${counts}"`);
    await view.locator('vscode-table.stats strong', { hasText: 'sepal_length' }).first().waitFor({ timeout: TIMEOUT });
    await clearToasts(page);
    await page.waitForTimeout(500);
    await shot(page, 'datasets-2-diff');
    log(`    (diff: ${counts})`);
  });
  await runCommand(page, 'View: Close All Editors').catch(() => {});

  /**
   * Runs `label` from vN's context menu once the tree is still. Should VS Code still hand the
   * command no row (it did when the tree redrew under the open menu), the command asks which
   * version, as from the palette: the test answers as a user would, and says so.
   */
  const onVersion = async (n, label, title) => {
    await sidebarSettled(page);
    await contextMenu(page, versionRow(n).first(), label);
    if (!(await waitForQuickInputTitle(page, title, 3_000).then(() => true, () => false))) return;
    log(`    ("${label}" asked which version: the menu's row was lost)`);
    await quickPickItem(page, `${DATASET}@v${n}`).first().click();
  };

  await check('Datasets: from v1\'s context menu, Checkout writes data/raw/iris/ with a .dvc file, Restore as Latest adds v3, Delete Version… removes v2', async () => {
    await onVersion(1, 'Checkout into Workspace', 'Checkout');
    const file = path.join(fixture.workspace, 'data', 'raw', DATASET, FIRST);
    await waitForVisibleText(page, `Checked out ${DATASET}@v1 into data/raw/${DATASET}/${FIRST}`, TIMEOUT);
    const dvc = readFileSync(`${file}.dvc`, 'utf8');
    if (readFileSync(file, 'utf8') !== readFileSync(path.join(fixture.workspace, FIRST), 'utf8')) throw new Error(`${file} differs from ${FIRST}`);
    if (!dvc.includes('hash: md5') || !dvc.includes(`path: ${FIRST}`)) throw new Error(`the .dvc file reads:\n${dvc}`);

    await onVersion(1, 'Restore as Latest', 'Restore as Latest');
    await versionRow(3).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    // The dataset row says "latest v3" once the backend's events are in too: the tree is settled.
    await sidebarRow(page, DATASET).filter({ hasText: 'latest v3' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });

    await onVersion(2, 'Delete Version…', 'Delete Version');
    await dialogButton(page, `Delete ${DATASET}@v2?`, 'Delete');
    await versionRow(2).first().waitFor({ state: 'detached', timeout: TIMEOUT });
    const { versions } = await fixture.api('GET', `/api/v1/datasets/${DATASET}/versions`);
    const numbers = versions.map((v) => v.number).sort();
    if (numbers.join(',') !== '1,3') throw new Error(`the dataset's versions are ${numbers.join(', ')}`);
    if (!existsSync(file)) throw new Error('the checked-out file went away');
  });
}
