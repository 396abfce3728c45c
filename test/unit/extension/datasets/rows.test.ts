import { describe, expect, it } from 'vitest';
import { CONTEXT, datasetRows, describeVersion, versionRows, versionTooltip } from '../../../../extension/src/datasets/rows.js';
import { relativeTime } from '../../../../extension/src/datasets/time.js';
import { dataset, datasetVersion } from '../../../fixtures/datasets/views.js';

const NOW = Date.parse('2026-11-27T12:00:00.000Z');
const commands = { refresh: 'mlwb.dataset.refresh' };

describe('dataset rows', () => {
  const v1 = datasetVersion({ ref: 'iris@v1', createdAt: '2026-11-27T09:00:00.000Z', message: 'first cut' });
  const v2 = datasetVersion({ ref: 'iris@v2', createdAt: '2026-11-27T11:55:00.000Z', totalSize: 2_097_152, message: 'dropped duplicates\nand more' });
  const items = [{ dataset: dataset({ latest: v2 }), versions: [v2, v1] }];

  it('shows each dataset with its version count and latest version, versions under it newest first', () => {
    const [row] = datasetRows({ status: 'ready' }, items, commands, NOW);
    expect(row).toMatchObject({ label: 'iris', description: '2 versions · latest v2, 5 minutes ago', icon: 'database', contextValue: CONTEXT.dataset });
    const children = versionRows(row!, items, 'mlwb.dataset.showProfile', NOW);
    expect(children.map((c) => c.label)).toEqual(['v2', 'v1']);
    expect(children[0]).toMatchObject({
      description: '2.0 MB · csv · 5 minutes ago · dropped duplicates',
      icon: 'table',
      contextValue: CONTEXT.profiledVersion,
      command: { command: 'mlwb.dataset.showProfile', arguments: ['iris@v2'] },
    });
    expect(children[1]!.description).toBe('4.4 KB · csv · 3 hours ago · first cut');
    expect(versionRows(children[0]!, items, 'x', NOW)).toEqual([]);
  });

  it('offers Show Profile only on versions that have a profile', () => {
    const png = datasetVersion({ ref: 'cats@v1', format: 'png', profiled: false, message: '' });
    const [row] = datasetRows({ status: 'ready' }, [{ dataset: dataset({ latest: png }), versions: [png] }], commands, NOW);
    const [child] = versionRows(row!, [{ dataset: dataset({ latest: png }), versions: [png] }], 'show', NOW);
    expect(child).toMatchObject({ contextValue: CONTEXT.version, icon: 'file', command: undefined });
    expect(child!.description).toBe('4.4 KB · png · 2 hours ago');
  });

  it('tells the hash, creator and step of a version in its tooltip', () => {
    const restored = datasetVersion({ ref: 'iris@v3', step: { kind: 'restore', params: { from: 'iris@v1' } }, creator: 'alice' });
    const tip = versionTooltip(restored);
    expect(tip).toContain('**iris@v3**');
    expect(tip).toContain(`| Hash | \`${restored.contentHash}\` |`);
    expect(tip).toContain('| Created | 2026-11-27T10:00:00.000Z by alice |');
    expect(tip).toContain('| Step | restored from iris@v1 |');
    expect(tip).toContain('| Parent | `iris@v2` |');
    const folder = versionTooltip(datasetVersion({ kind: 'folder', format: 'folder', fileCount: 12, totalSize: 4096 }));
    expect(folder).toContain('| Content | 12 files, 4.0 KB, folder |');
  });

  it('says why there are no rows: loading, or failed with a row that retries', () => {
    expect(datasetRows({ status: 'loading' }, [], commands, NOW)).toEqual([{ id: 'datasets.loading', label: 'Loading datasets…', icon: 'loading~spin' }]);
    const [failed] = datasetRows({ status: 'failed', message: 'HTTP 500' }, items, commands, NOW);
    expect(failed).toMatchObject({ label: 'Cannot list datasets', description: 'HTTP 500', command: { command: commands.refresh } });
    // none at all: the view's welcome text ("Add a dataset…") shows instead
    expect(datasetRows({ status: 'ready' }, [], commands, NOW)).toEqual([]);
  });

  it('words times relative to now, and dates beyond a month', () => {
    expect(relativeTime('2026-11-27T11:59:30.000Z', NOW)).toBe('just now');
    expect(relativeTime('2026-11-27T11:00:00.000Z', NOW)).toBe('1 hour ago');
    expect(relativeTime('2026-11-25T12:00:00.000Z', NOW)).toBe('2 days ago');
    expect(relativeTime('2026-09-01T12:00:00.000Z', NOW)).toBe('2026-09-01');
    expect(describeVersion(datasetVersion({ createdAt: '2026-11-27T12:00:00.000Z', message: '' }), NOW)).toBe('4.4 KB · csv · just now');
  });
});
