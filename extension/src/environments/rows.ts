import { EnvironmentState, type Environment } from '../../../backend/src/protocol/index.js';
import type { ResourceItem } from '../views/resourceList.js';
import { escapeMarkdown, firstLine, formatCpus, formatMiB, plural } from './format.js';
import type { ModelStatus } from './model.js';

/** How a state looks: a codicon, an optional theme color, and words. */
export interface StateLook {
  icon: string;
  color?: string;
  words: string;
}

const WORDS: Record<EnvironmentState, string> = {
  queued: 'queued',
  building: 'building the image',
  starting: 'starting',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  failed: 'failed',
};

export function stateLook(env: Pick<Environment, 'state' | 'queuePosition'>): StateLook {
  switch (env.state) {
    case 'running':
      return { icon: 'pass-filled', color: 'charts.green', words: WORDS.running };
    case 'queued':
      return { icon: 'clock', words: env.queuePosition ? `#${env.queuePosition} in queue` : WORDS.queued };
    case 'failed':
      return { icon: 'error', color: 'charts.red', words: WORDS.failed };
    case 'stopped':
      return { icon: 'circle-outline', words: WORDS.stopped };
    default:
      return { icon: 'sync~spin', words: WORDS[env.state] };
  }
}

/**
 * The states each environment command applies to: the Command Palette offers only those, and
 * package.json's item menus say the same with `viewItem` (a unit test keeps them in step).
 */
export const ACTION_STATES = {
  start: ['stopped', 'failed'],
  stop: ['queued', 'building', 'starting', 'running'],
  restart: ['running', 'failed'],
  openTerminal: ['running'],
  copyJupyterUrl: ['running'],
  openJupyterInBrowser: ['running'],
  showLogs: EnvironmentState.options,
  delete: EnvironmentState.options,
  changeResources: ['queued', 'stopped', 'failed'],
} as const satisfies Record<string, readonly EnvironmentState[]>;

/** The context value of an environment row, for `viewItem` in menus' `when` clauses. */
export const contextValue = (state: EnvironmentState): string => `environment.${state}`;

/** `python-cpu · 2 CPUs · 4.0 GiB · 1 GPU`; a queued one starts with its place in the queue. */
export function describeEnvironment(env: Environment): string {
  const { cpus, memoryMiB, gpus } = env.resources;
  const parts = [env.image, formatCpus(cpus), formatMiB(memoryMiB)];
  if (gpus > 0) parts.push(plural(gpus, 'GPU'));
  if (env.state === 'queued' && env.queuePosition) parts.unshift(`#${env.queuePosition} in queue`);
  return parts.join(' · ');
}

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function list(values: string[]): string {
  return values.length ? values.map(code).join(', ') : '—';
}

/** The Markdown tooltip: every field, whether the limits are enforced, and why it failed or waits. */
export function environmentTooltip(env: Environment): string {
  const look = stateLook(env);
  const { cpus, memoryMiB, gpus } = env.resources;
  const enforced = env.limitsEnforced ? 'enforced' : `recorded only, not enforced by the ${env.driver} driver`;
  const rows: [string, string][] = [
    ['State', escapeMarkdown(look.words)],
    ['Image', env.imageRef ? `${code(env.image)} (${code(env.imageRef)})` : code(env.image)],
    ['Driver', env.driver],
    ['CPUs', String(cpus)],
    ['Memory', formatMiB(memoryMiB)],
    ['GPUs', String(gpus)],
    ['Limits', enforced],
    ['apt packages', list(env.packages.apt)],
    ['pip packages', list(env.packages.pip)],
    // Only the names: values may be secrets.
    ['Variables', list(Object.keys(env.env))],
    ['Idle stop', env.idleTimeoutMinutes ? `after ${plural(env.idleTimeoutMinutes, 'minute')} without kernel activity` : 'never'],
    ['Priority', String(env.priority)],
    ['Created', env.createdAt],
    ['Started', env.startedAt ?? '—'],
    ['Last activity', env.lastActivityAt ?? '—'],
    ['Id', code(env.id)],
  ];
  const lines = [`**${env.name}** — ${escapeMarkdown(look.words)}`, ''];
  if (env.reason) {
    const more = env.reason.trim().includes('\n') ? ' (the whole output is in its log)' : '';
    lines.push(`${env.state === 'failed' ? '$(error) ' : ''}${escapeMarkdown(firstLine(env.reason))}${more}`, '');
  }
  lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`));
  return lines.join('\n');
}

export function environmentRow(env: Environment): ResourceItem {
  const look = stateLook(env);
  return {
    id: env.id,
    label: env.name,
    description: describeEnvironment(env),
    tooltip: { markdown: environmentTooltip(env) },
    icon: look.icon,
    iconColor: look.color,
    contextValue: contextValue(env.state),
  };
}

/** The rows of the Environments view: the environments, or one row saying why there are none to show. */
export function environmentRows(status: ModelStatus, envs: readonly Environment[], refreshCommand: string): ResourceItem[] {
  if (status.status === 'failed') {
    return [
      {
        id: 'environments.failed',
        label: 'Cannot list environments',
        description: status.message,
        tooltip: `${status.message}\n\nClick to try again.`,
        icon: 'warning',
        contextValue: 'environments.failed',
        command: { command: refreshCommand, title: 'Refresh' },
      },
    ];
  }
  if (status.status === 'loading' && envs.length === 0) return [{ id: 'environments.loading', label: 'Loading environments…', icon: 'loading~spin' }];
  return envs.map(environmentRow);
}
