import { ApiError } from '../../../backend/src/client/index.js';

const GIB = 1024 ** 3;

/** `4.0 GiB` for 4096, `512 MiB` below a GiB. */
export function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

/** Bytes in GiB with one decimal, without the unit (the caller puts it once after a pair). */
export function gib(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `2 CPUs`, `0.5 CPUs`, `1 CPU`. */
export function formatCpus(cpus: number): string {
  return plural(Number(cpus.toFixed(2)), 'CPU');
}

/** The first non-empty line of `text`, cut at `max` characters (a failure reason may hold a whole build log). */
export function firstLine(text: string, max = 200): string {
  const line = text.split(/\r?\n/).find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const ESC = String.fromCharCode(27);
/** Color and cursor sequences (`ESC [ … m`), which Docker's build output carries. */
const ANSI_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/** Escapes text for a Markdown tooltip (a failure reason can hold anything). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&').replace(/\r?\n/g, '  \n');
}

/** One line for a toast or a terminal: an API error with the fields at fault, else the message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
