import type { Job, JobState } from '../../../backend/src/protocol/index.js';
import { escapeMarkdown, formatMiB } from '../environments/format.js';
import type { StateLook } from '../environments/rows.js';
import type { ResourceItem } from '../views/resourceList.js';
import { commandText, failureWords, finalLine, formatDuration, jobDuration } from './format.js';

/** How many jobs an environment row shows (the most recent). */
export const JOBS_PER_ENVIRONMENT = 10;

export function jobStateLook(state: JobState): StateLook {
  switch (state) {
    case 'queued':
      return { icon: 'clock', words: 'queued' };
    case 'running':
      return { icon: 'sync~spin', words: 'running' };
    case 'succeeded':
      return { icon: 'pass', color: 'charts.green', words: 'succeeded' };
    case 'failed':
      return { icon: 'error', color: 'charts.red', words: 'failed' };
    case 'cancelled':
      return { icon: 'circle-slash', words: 'cancelled' };
  }
}

/**
 * The states each job command applies to; package.json's row menus say the same with `viewItem`
 * (a unit test keeps them in step).
 */
export const JOB_ACTION_STATES = {
  cancel: ['queued', 'running'],
  rerun: ['succeeded', 'failed', 'cancelled'],
  showLog: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
  copyId: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
} as const satisfies Record<string, readonly JobState[]>;

export const jobContextValue = (state: JobState): string => `job.${state}`;

/** `failed · 3.2 s`, `running · 12.0 s`, `queued`. */
export function describeJob(job: Job, now = Date.now()): string {
  const took = jobDuration(job, now);
  const words = job.state === 'failed' ? failureWords(job) : jobStateLook(job.state).words;
  return took === undefined ? words : `${words} · ${formatDuration(took)}`;
}

export function jobTooltip(job: Job): string {
  const rows: [string, string][] = [
    ['State', escapeMarkdown(job.state === 'queued' || job.state === 'running' ? job.state : finalLine(job))],
    ['Exit code', job.exitCode === null ? '—' : String(job.exitCode)],
    ['Created', job.createdAt],
    ['Started', job.startedAt ?? '—'],
    ['Ended', job.endedAt ?? '—'],
    ['Peak memory', job.peakMemoryMiB === null ? '—' : formatMiB(job.peakMemoryMiB)],
    ['Log', `${job.logLines} lines`],
    ['Id', `\`${job.id}\``],
  ];
  return [`**${escapeMarkdown(commandText(job.command))}**`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

/** A job's row under its environment; clicking it opens the job's log. */
export function jobRow(job: Job, showLogCommand: string, now = Date.now()): ResourceItem {
  const look = jobStateLook(job.state);
  return {
    id: job.id,
    label: commandText(job.command),
    description: describeJob(job, now),
    tooltip: { markdown: jobTooltip(job) },
    icon: look.icon,
    iconColor: look.color,
    contextValue: jobContextValue(job.state),
    command: { command: showLogCommand, title: 'Show Job Log', arguments: [job.id] },
  };
}

/** The rows under an environment: its most recent jobs, newest first. */
export function jobRows(jobs: readonly Job[], showLogCommand: string, now = Date.now()): ResourceItem[] {
  return jobs.slice(0, JOBS_PER_ENVIRONMENT).map((job) => jobRow(job, showLogCommand, now));
}
