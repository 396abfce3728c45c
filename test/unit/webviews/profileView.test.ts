import { describe, expect, it, vi } from 'vitest';
import { count, render, text } from './render.js';
import { numberColumn, profile, textColumn, datasetVersion } from '../../fixtures/datasets/views.js';

// vscode-elements reads navigator.userAgent when its modules load (Node 20 has no navigator).
vi.hoisted(() => {
  (globalThis as { navigator?: unknown }).navigator ??= { userAgent: 'node' };
});
const { ProfileView } = await import('../../../webviews/dataset-profile/ProfileView.js');

describe('profile view', () => {
  it('shows the version, its row and column counts, and a row of statistics per column', () => {
    const html = render(ProfileView, { state: { version: datasetVersion({ ref: 'iris@v3', message: 'cleaned' }), profile: profile() } });
    const shown = text(html);
    expect(shown).toContain('iris@v3');
    expect(shown).toContain('4.4 KB · csv · 2026-11-27 10:00 · by admin');
    expect(shown).toContain('“cleaned”');
    expect(shown).toContain('150 rows · 2 columns');
    for (const header of ['Column', 'Type', 'Nulls', 'Min', 'Max', 'Mean', 'Std', 'Distinct', 'Top values']) expect(shown).toContain(header);
    // sepal_length: float, no nulls, 4.3 … 7.9, mean 5.843, std 0.8281, 35 distinct
    expect(shown).toMatch(/sepal_length float 0 \(0%\) 4\.3 7\.9 5\.843 0\.8281 35 —/);
    // species: 3 nulls of 150 = 2%, top values listed
    expect(shown).toMatch(/species string 3 \(2%\) — — — — 3 setosa \(50\), versicolor \(50\), virginica \(47\)/);
  });

  it('says when histograms and top values come from a sample, and only then', () => {
    const note = 'scaled from a random sample';
    expect(text(render(ProfileView, { state: { version: datasetVersion(), profile: { ...profile(), approximate: true } } }))).toContain(note);
    expect(text(render(ProfileView, { state: { version: datasetVersion(), profile: profile() } }))).not.toContain(note);
  });

  it('draws a histogram bar per bin for numbers and a bar per top value for text', () => {
    const html = render(ProfileView, { state: { version: datasetVersion(), profile: profile() } });
    const histogram = /<figure class="histogram">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    expect(histogram).toContain('aria-label="Histogram of sepal_length"');
    expect(count(histogram, /<rect class="bar"/)).toBe(4);
    const top = /<svg class="top-values"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(top).toContain('aria-label="Most frequent values of species"');
    expect(count(top, /<rect class="bar"/)).toBe(3);
    // the bar heights follow the counts: the fullest bin fills the chart
    const heights = [...histogram.matchAll(/height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...heights)).toBe(64);
    expect(text(histogram)).toBe('4.3 7.9');
  });

  it('marks estimated distinct counts and shows date ranges as min and max', () => {
    const when = numberColumn('when', { type: 'date', engineType: 'DATE', numeric: null, histogram: null, range: { min: '2024-01-01', max: '2024-12-31' } });
    const many = textColumn('user', { distinctEstimate: 120_345, distinctExact: false, topValues: null });
    const html = render(ProfileView, { state: { version: datasetVersion(), profile: profile({ columns: [when, many], sample: [] }) } });
    expect(text(html)).toContain('when date 0 (0%) 2024-01-01 2024-12-31');
    expect(text(html)).toContain('≈ 120,345');
    expect(text(html)).toContain('The table has no rows.');
    expect(text(html)).toContain('No column has values to draw.');
  });

  it('shows the sample rows under the column names, nulls marked', () => {
    const html = render(ProfileView, { state: { version: datasetVersion(), profile: profile() } });
    const sample = /<vscode-table class="sample"[\s\S]*?<\/vscode-table>/.exec(html)?.[0] ?? '';
    expect(text(sample)).toBe('sepal_length species 5.1 setosa 4.9 null');
    expect(sample).toContain('<span class="null">null</span>');
  });

  it('says there is nothing to profile for content that is not a table', () => {
    const html = render(ProfileView, { state: { version: datasetVersion({ format: 'png' }), profile: null } });
    expect(text(html)).toContain('This version holds png content, which is not a table');
    expect(html).not.toContain('vscode-table');
  });
});
