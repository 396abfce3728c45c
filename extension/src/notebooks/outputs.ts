import type { ContentOf, MimeBundle } from './messages.js';

/** One representation of an output (VS Code's `NotebookCellOutputItem` without the editor). */
export interface OutputItem {
  mime: string;
  data: Uint8Array;
}

/** The MIME types VS Code's notebooks render for streams and errors (what `NotebookCellOutputItem.stdout/stderr/error` produce). */
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** Types Jupyter sends base64-encoded (binary images); every other type is text or JSON. */
const BASE64_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/bmp', 'image/webp', 'application/pdf']);

const isJsonMime = (mime: string): boolean => mime === 'application/json' || mime.endsWith('+json');

const encoder = new TextEncoder();

/** Jupyter may send a multi-line string as a list of lines (nbformat's multiline string). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return undefined;
}

function itemOf(mime: string, value: unknown): OutputItem | undefined {
  if (isJsonMime(mime)) return { mime, data: encoder.encode(JSON.stringify(value)) };
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (BASE64_MIMES.has(mime)) return { mime, data: Buffer.from(text.replace(/\s/g, ''), 'base64') };
  return { mime, data: encoder.encode(text) };
}

/**
 * Every representation of a bundle VS Code may render (it picks the richest it has a renderer for),
 * `text/plain` last as the fallback. A value of the wrong shape for its type is left out.
 */
export function bundleItems(bundle: MimeBundle): OutputItem[] {
  const mimes = Object.keys(bundle).sort((a, b) => Number(a === 'text/plain') - Number(b === 'text/plain'));
  return mimes.flatMap((mime) => itemOf(mime, bundle[mime]) ?? []);
}

export function streamItem(name: 'stdout' | 'stderr', text: string): OutputItem {
  return { mime: name === 'stdout' ? STDOUT_MIME : STDERR_MIME, data: encoder.encode(text) };
}

/** A kernel error as VS Code's error output: the exception's type and value, the traceback (with its ANSI colours) as the stack. */
export function errorItem({ ename, evalue, traceback }: ContentOf<'error'>): OutputItem {
  return errorOutput(ename, evalue, traceback.join('\n'));
}

/** An error of ours (not the kernel's), e.g. the environment stopped under a running cell. */
export function errorOutput(name: string, message: string, stack = ''): OutputItem {
  return { mime: ERROR_MIME, data: encoder.encode(JSON.stringify({ name, message, stack })) };
}
