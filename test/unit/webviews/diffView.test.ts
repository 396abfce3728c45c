import { describe, expect, it, vi } from 'vitest';
import { render, text } from './render.js';
import { datasetDiff, datasetVersion, folderDiff, tabularDiff } from '../../fixtures/datasets/views.js';

// vscode-elements reads navigator.userAgent when its modules load (Node 20 has no navigator).
vi.hoisted(() => {
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
});
const { DiffView } = await import('../../../webviews/dataset-diff/DiffView.js');

const before = datasetVersion({ ref: 'iris@v1' });
const after = datasetVersion({ ref: 'iris@v2', message: 'more rows' });

/** The markup from an `<h2>` titled `title` to the next `<h2>` (or the end). */
function section(html: string, title: string): string {
  const start = html.indexOf(`<h2>${title}</h2>`);
  if (start < 0) return '';
  const next = html.indexOf('<h2>', start + 4);
  return html.slice(start, next < 0 ? undefined : next);
}

describe('diff view', () => {
  it('shows both versions and the row counts', () => {
    const html = render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: tabularDiff() }) } });
    expect(text(html)).toContain('iris@v1 → iris@v2');
    expect(text(html)).toContain('Rows: 150 → 152 (+2)');
    expect(text(html)).toContain('“more rows”');
  });

  it('lists added, removed and retyped columns in the schema section', () => {
    const html = render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: tabularDiff() }) } });
    expect(text(section(html, 'Schema'))).toBe('Schema + petal_width DOUBLE − notes VARCHAR ~ id INTEGER → BIGINT');
    const same = tabularDiff({ schema: { added: [], removed: [], retyped: [] } });
    expect(text(section(render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: same }) } }), 'Schema'))).toBe('Schema Same columns, same types.');
  });

  it('counts rows added, removed, changed and unchanged, with a sample table of each', () => {
    const rows = section(render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: tabularDiff() }) } }), 'Rows');
    expect(text(rows)).toContain('+3 added −1 removed ~2 changed 147 unchanged');
    expect(text(rows)).toContain('Rows matched by the key column “id”.');
    expect(text(rows)).toContain('Added rows (sample) id sepal_length 151 9.1');
    expect(text(rows)).toContain('Removed rows (sample) id sepal_length 7 4.6');
    expect(text(rows)).toContain('Changed rows (sample) Key Column Before After 3 sepal_length 4.7 4.8');
  });

  it('says a hash comparison has no "changed" count', () => {
    const diff = tabularDiff();
    const byHash = { ...diff, rows: { ...diff.rows, mode: 'hash' as const, key: null, changed: null, samples: { ...diff.rows.samples, changed: [] } } };
    const rows = text(section(render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: byHash }) } }), 'Rows'));
    expect(rows).toContain('+3 added −1 removed 147 unchanged');
    expect(rows).not.toMatch(/~\d+ changed|Changed rows/);
    expect(rows).toContain('compared whole (by hash)');
  });

  it('shows each shared column\'s statistics before → after and marks a large mean shift', () => {
    const html = section(render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'tabular', diff: tabularDiff() }) } }), 'Column statistics');
    expect(text(html)).toContain('sepal_length DOUBLE 0 → 1 35 → 36 4.3 7.9 → 9.1 5.843 → 6.5 0.828 → 0.9 +0.79 σ');
    expect(html).toContain('<strong class="shift-large">+0.79 σ</strong>');
  });

  it('lists the files added, removed and modified between folder versions', () => {
    const html = render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'folder', diff: folderDiff() }) } });
    const shown = text(html);
    expect(shown).toContain('+1 added · −1 removed · ~1 modified · 12 unchanged');
    expect(text(section(html, 'Added files'))).toBe('Added files File Size images/cat-3.png 2.0 KB');
    expect(text(section(html, 'Removed files'))).toBe('Removed files File Size images/dog-1.png 1.0 KB');
    expect(text(section(html, 'Modified files'))).toBe('Modified files File Size before Size after labels.csv 100 B 120 B');
    expect(html).not.toContain('<h2>Schema</h2>');
  });

  it('says whether two files that are not both tables have the same bytes', () => {
    const change = { before: { md5: 'a'.repeat(32), size: 2048, format: 'png' as const }, after: { md5: 'b'.repeat(32), size: 3072, format: 'png' as const }, same: false };
    const shown = text(render(DiffView, { state: { before, after, diff: datasetDiff({ kind: 'file', diff: change }) } }));
    expect(shown).toContain('The content differs.');
    expect(shown).toContain(`before 2.0 KB png ${'a'.repeat(32)} after 3.0 KB png ${'b'.repeat(32)}`);
  });
});
