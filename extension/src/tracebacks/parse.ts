import { stripAnsi } from '../environments/format.js';

/** One entry of a traceback: where Python was when the exception passed through. */
export interface Frame {
  /** As Python printed it: absolute, relative to the working directory, `~/…` (IPython), or `<string>`. */
  file: string;
  /** 1-based. */
  line: number;
  /** The function (`<module>` at top level); absent on a SyntaxError's location. */
  name?: string;
  /** The notebook cell's execution count for IPython's `Cell In[3]` frames; `file` is then `In[3]`. */
  cell?: number;
  /** The source line as printed, without its indentation. */
  code?: string;
  /** Where the carets under `code` point (Python 3.11+, SyntaxError): offsets into `code`, end exclusive. */
  span?: { start: number; end: number };
}

export interface PythonException {
  /** `ValueError`, `json.decoder.JSONDecodeError`. */
  type: string;
  /** Empty when the exception has none (`raise SystemError`). Continuation lines joined by `\n`. */
  message: string;
  /** Outermost first, as printed; a SyntaxError's location is the last frame (without a name). */
  frames: Frame[];
  /** How this exception relates to the one before it in the chain. */
  link?: 'cause' | 'context';
}

/** One printed traceback: its chain of exceptions, oldest first; the last one is what was raised. */
export interface Traceback {
  exceptions: PythonException[];
}

const HEADER = /^\s*(?:\+ )?(?:Exception Group )?Traceback \(most recent call last\):?\s*$/;
/** IPython: `ZeroDivisionError            Traceback (most recent call last)`. */
const IPYTHON_HEADER = /^(\S+)\s+Traceback \(most recent call last\)\s*$/;
const CAUSE = /^\s*The above exception was the direct cause of the following exception:\s*$/;
const CONTEXT = /^\s*During handling of the above exception, another exception occurred:\s*$/;
/** CPython: `  File "/w/a.py", line 3, in main` (no `, in` on a SyntaxError's location). */
const CPYTHON_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;
/** IPython 8: `File ~/w/pkg/mod.py:2, in divide(a, b)`. */
const IPYTHON_FILE_FRAME = /^\s*File (.+):(\d+)(?:, in (.+?))?\s*$/;
/** IPython 8: `Cell In[2], line 4, in go()`; 8.5 writes `In [2]`. */
const IPYTHON_CELL_FRAME = /^\s*Cell In ?\[(\d+)\], line (\d+)(?:, in (.+?))?\s*$/;
/** IPython's source context: `----> 4     return x` marks the line, `      3 def go():` surrounds it. */
const IPYTHON_SOURCE = /^(?:-+>\s*\d+|\s+\d+)\s/;
const IPYTHON_MARKED = /^-+>\s*\d+\s(.*)$/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::(?: (.*))?)?\s*$/;
const CARETS = /^(\s*)([~^]*\^[~^]*)\s*$/;
const REPEATED = /^\s*\[Previous line repeated \d+ more times?\]\s*$/;
/** An exception group's box drawing: `  | `, `  +-+---- 1 ----`, `    +------`. */
const GROUP_PREFIX = /^\s*(?:\+[-+]*(?:\s+\d+\s+-+|\s*$)|\| ?)/;

/** Most lines a message may continue over (a job's later output must not swallow the diagnostic). */
const MAX_MESSAGE_LINES = 20;

type Link = PythonException['link'];

/**
 * Every Python traceback in `text` (a job's output, or a notebook cell's error joined by newlines),
 * in order. Colour codes are ignored. Chained exceptions ("The above exception was the direct
 * cause…", "During handling…") are one Traceback; a SyntaxError printed without a traceback
 * (`File "x.py", line 2` + caret) is one too.
 */
export function parseTracebacks(text: string): Traceback[] {
  const lines = stripAnsi(text).split(/\r?\n/).map(ungroup);
  const result: Traceback[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = startOf(lines, i);
    if (start === undefined) {
      i += 1;
      continue;
    }
    const parsed = readChain(lines, i);
    // A header without an exception line (output cut off mid-traceback) says nothing to point at.
    if (parsed.traceback.exceptions.length) result.push(parsed.traceback);
    i = Math.max(parsed.next, i + 1);
  }
  return result;
}

/** The last traceback in `text`: the one that ended the program or failed the cell. */
export function lastTraceback(text: string): Traceback | undefined {
  return parseTracebacks(text).at(-1);
}

/** Removes an exception group's box drawing so its frames read as a plain traceback's. */
function ungroup(line: string): string {
  if (!GROUP_PREFIX.test(line) || HEADER.test(line)) return line.replace(/^\s*\+ (?=Exception Group Traceback)/, '');
  return line.replace(GROUP_PREFIX, '').replace(/^\s*[-]+\s*\d*\s*-*\s*$/, '');
}

const isHeader = (line: string): boolean => HEADER.test(line) || IPYTHON_HEADER.test(line);

/** What starts at line `i`: a traceback header, or a SyntaxError location printed on its own. */
function startOf(lines: readonly string[], i: number): 'header' | 'syntax' | undefined {
  const line = lines[i] ?? '';
  if (isHeader(line)) return 'header';
  const frame = frameAt(line)?.frame;
  if (frame && !frame.name && syntaxErrorFollows(lines, i + 1)) return 'syntax';
  return undefined;
}

/** A SyntaxError block: up to a code line and a caret line, then `XxxError: …`. */
function syntaxErrorFollows(lines: readonly string[], from: number): boolean {
  for (let j = from; j < Math.min(lines.length, from + 4); j += 1) {
    const match = EXCEPTION_LINE.exec(lines[j] ?? '');
    if (match && /Error$/.test(match[1] ?? '')) return true;
  }
  return false;
}

/** The frame a line names, and whether IPython printed it (its source lines are numbered). */
function frameAt(line: string): { frame: Frame; ipython: boolean } | undefined {
  const cpython = CPYTHON_FRAME.exec(line);
  if (cpython) return { frame: named({ file: cpython[1]!, line: Number(cpython[2]) }, cpython[3]), ipython: false };
  const cell = IPYTHON_CELL_FRAME.exec(line);
  if (cell) return { frame: named({ file: `In[${cell[1]}]`, line: Number(cell[2]), cell: Number(cell[1]) }, cell[3]), ipython: true };
  const file = IPYTHON_FILE_FRAME.exec(line);
  if (file) return { frame: named({ file: file[1]!, line: Number(file[2]) }, file[3]), ipython: true };
  return undefined;
}

function named(frame: Frame, name: string | undefined): Frame {
  // IPython prints the arguments (`divide(a, b)`); the function's name is what matters.
  return name ? { ...frame, name: name.replace(/\(.*\)$/, '') } : frame;
}

/** Reads exceptions from `start` as long as chain separators join them. */
function readChain(lines: readonly string[], start: number): { traceback: Traceback; next: number } {
  const exceptions: PythonException[] = [];
  let i = start;
  let link: Link;
  for (;;) {
    const read = readException(lines, i, link);
    if (read.exception) exceptions.push(read.exception);
    i = read.next;
    const separator = nextSeparator(lines, i);
    if (!separator) break;
    link = separator.link;
    i = separator.next;
  }
  return { traceback: { exceptions }, next: i };
}

/** A chain separator after blank lines, and the start of the next exception after it. */
function nextSeparator(lines: readonly string[], from: number): { link: Link; next: number } | undefined {
  let i = from;
  while (i < lines.length && !lines[i]!.trim()) i += 1;
  const line = lines[i] ?? '';
  const link: Link = CAUSE.test(line) ? 'cause' : CONTEXT.test(line) ? 'context' : undefined;
  if (!link) return undefined;
  i += 1;
  while (i < lines.length && !lines[i]!.trim()) i += 1;
  return startOf(lines, i) ? { link, next: i } : undefined;
}

/** One exception from its header (or SyntaxError location) to the end of its message. */
function readException(lines: readonly string[], start: number, link: Link): { exception?: PythonException; next: number } {
  const frames: Frame[] = [];
  /** How far each frame's printed source line is indented, to measure where its carets point. */
  const indents = new Map<Frame, number>();
  let ipython = false;
  let i = isHeader(lines[start] ?? '') ? start + 1 : start;
  for (; i < lines.length; i += 1) {
    const line = lines[i]!;
    const found = frameAt(line);
    if (found) {
      frames.push(found.frame);
      ipython = found.ipython;
      continue;
    }
    const current = frames.at(-1);
    if (current && (ipython ? ipythonSource(current, line) : attachSource(current, line, indents))) continue;
    if (current && ipython && attachSource(current, line, indents)) continue;
    if (ignorable(line)) continue;
    const exception = EXCEPTION_LINE.exec(line);
    if (!exception) return { next: i };
    const { message, next } = readMessage(lines, i + 1, exception[2] ?? '');
    return { exception: { type: exception[1]!, message, frames, ...(link ? { link } : {}) }, next };
  }
  return { next: i };
}

/** Lines inside a traceback that say nothing about it: blank, repeat counts, IPython's rule and context. */
function ignorable(line: string): boolean {
  return !line.trim() || REPEATED.test(line) || IPYTHON_SOURCE.test(line) || /^-{10,}$/.test(line);
}

/** IPython's numbered source context around a frame; `----> 4 code` is the frame's own line. */
function ipythonSource(frame: Frame, line: string): boolean {
  const marked = IPYTHON_MARKED.exec(line);
  if (marked) frame.code ??= marked[1]!.trim();
  return IPYTHON_SOURCE.test(line);
}

/** Takes an indented line as the frame's source, or as the carets under it; false when it is neither. */
function attachSource(frame: Frame, line: string, indents: Map<Frame, number>): boolean {
  if (!/^\s+\S/.test(line)) return false;
  const carets = CARETS.exec(line);
  const indent = indents.get(frame);
  if (carets && indent !== undefined && frame.span === undefined) {
    // `~~~~^^^^`: tildes mark the whole expression, carets the operator; the span is the whole expression.
    const start = Math.max(0, carets[1]!.length - indent);
    frame.span = { start, end: start + carets[2]!.length };
    return true;
  }
  if (frame.code !== undefined) return false;
  indents.set(frame, /^\s*/.exec(line)![0].length);
  frame.code = line.trim();
  return true;
}

/** The message's first line and the lines that continue it (up to a blank line or the next traceback). */
function readMessage(lines: readonly string[], from: number, first: string): { message: string; next: number } {
  const parts = [first];
  let i = from;
  while (i < lines.length && parts.length < MAX_MESSAGE_LINES) {
    const line = lines[i]!;
    if (!line.trim() || startOf(lines, i) || CAUSE.test(line) || CONTEXT.test(line)) break;
    parts.push(line);
    i += 1;
  }
  return { message: parts.join('\n').trimEnd(), next: i };
}
