import type { Dataset, DatasetVersion } from '../../../backend/src/protocol/index.js';
import { formatBytes } from '../../../webviews/shared/format.js';
import { escapeMarkdown, firstLine, plural } from '../environments/format.js';
import type { ModelStatus } from '../environments/model.js';
import type { ResourceItem } from '../views/resourceList.js';
import { relativeTime } from './time.js';

/**
 * Context values of the Datasets rows, for `viewItem` in package.json's menus: a version that has a
 * profile (a table) offers Show Profile; every version offers the rest.
 */
export const CONTEXT = {
  dataset: 'dataset',
  version: 'datasetVersion',
  profiledVersion: 'datasetVersion.profiled',
} as const;

const ICONS: Record<string, string> = { folder: 'folder', csv: 'table', tsv: 'table', parquet: 'table', xlsx: 'table', json: 'json', jsonl: 'json' };

export const versionIcon = (v: Pick<DatasetVersion, 'format'>): string => ICONS[v.format] ?? 'file';

/** `4.4 KB · csv · 5 minutes ago · cleaned`. */
export function describeVersion(v: DatasetVersion, now: number): string {
  const parts = [formatBytes(v.totalSize), v.format, relativeTime(v.createdAt, now)];
  const message = firstLine(v.message, 80);
  if (message) parts.push(message);
  return parts.join(' · ');
}

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function stepText(v: DatasetVersion): string {
  if (v.step.kind === 'restore') return `restored from ${String(v.step.params?.from ?? 'an older version')}`;
  if (v.step.kind === 'pipeline') return `pipeline step ${code(JSON.stringify(v.step.params ?? {}))}`;
  return 'upload';
}

/** The Markdown tooltip of a version: its id, content hash, who added it, when and how. */
export function versionTooltip(v: DatasetVersion): string {
  const rows: [string, string][] = [
    ['Content', `${v.kind === 'folder' ? plural(v.fileCount, 'file') : 'one file'}, ${formatBytes(v.totalSize)}, ${v.format}`],
    ['Hash', code(v.contentHash)],
    ['Created', `${v.createdAt} by ${escapeMarkdown(v.creator)}`],
    ['Step', stepText(v)],
    ['Parent', v.parent ? code(v.parent) : '—'],
    ['Profile', v.profiled ? 'yes' : 'none (not a table)'],
  ];
  const lines = [`**${v.ref}**`, ''];
  if (v.message) lines.push(escapeMarkdown(v.message), '');
  lines.push('| | |', '|---|---|', ...rows.map(([k, value]) => `| ${k} | ${value} |`));
  return lines.join('\n');
}

export function versionRow(v: DatasetVersion, now: number, showProfile: string): ResourceItem {
  return {
    id: v.id,
    label: `v${v.number}`,
    description: describeVersion(v, now),
    tooltip: { markdown: versionTooltip(v) },
    icon: versionIcon(v),
    contextValue: v.profiled ? CONTEXT.profiledVersion : CONTEXT.version,
    command: v.profiled ? { command: showProfile, title: 'Show Profile', arguments: [v.ref] } : undefined,
  };
}

export function datasetRow(dataset: Dataset, versions: readonly DatasetVersion[], now: number): ResourceItem {
  const latest = dataset.latest;
  const description = latest ? `${plural(versions.length, 'version')} · latest v${latest.number}, ${relativeTime(latest.createdAt, now)}` : 'no versions';
  return {
    id: dataset.id,
    label: dataset.name,
    description,
    tooltip: `${dataset.name}: ${description}`,
    icon: 'database',
    contextValue: CONTEXT.dataset,
  };
}

/** The rows of the Datasets view: the datasets with their versions, or one row saying why there are none to show. */
export function datasetRows(
  status: ModelStatus,
  items: readonly { dataset: Dataset; versions: readonly DatasetVersion[] }[],
  commands: { refresh: string },
  now: number,
): ResourceItem[] {
  if (status.status === 'failed') {
    return [
      {
        id: 'datasets.failed',
        label: 'Cannot list datasets',
        description: status.message,
        tooltip: `${status.message}\n\nClick to try again.`,
        icon: 'warning',
        contextValue: 'datasets.failed',
        command: { command: commands.refresh, title: 'Refresh' },
      },
    ];
  }
  if (status.status === 'loading' && items.length === 0) return [{ id: 'datasets.loading', label: 'Loading datasets…', icon: 'loading~spin' }];
  return items.map(({ dataset, versions }) => datasetRow(dataset, versions, now));
}

/** The rows under a dataset row: its versions, newest first (none under any other row). */
export function versionRows(item: ResourceItem, items: readonly { dataset: Dataset; versions: readonly DatasetVersion[] }[], showProfile: string, now: number): ResourceItem[] {
  if (item.contextValue !== CONTEXT.dataset) return [];
  const entry = items.find((e) => e.dataset.id === item.id);
  return entry ? entry.versions.map((v) => versionRow(v, now, showProfile)) : [];
}
