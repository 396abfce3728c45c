import type * as path from 'node:path';
import { lastTraceback } from './parse.js';
import type { PathMapping } from './paths.js';
import { describeException, tracebackProblem, type TracebackProblem } from './problem.js';

/** What a notebook cell's error says, for a diagnostic on the cell (and on a workspace file it went through). */
export interface CellProblem {
  /** `ValueError: bad value`. */
  message: string;
  exceptionType: string;
  /** 1-based line in the cell that ran, at its innermost frame there; undefined when no frame names it. */
  cellLine?: number;
  /** Where it struck in a workspace file the cell called into, when a mapping is given and it did. */
  inWorkspace?: TracebackProblem;
}

/**
 * Reads a kernel's `error` traceback (IPython's coloured lines): the exception and the innermost
 * frame of the cell that ran (`Cell In[<executionCount>], line N`; any cell frame when the count is
 * unknown). Undefined when the lines hold no traceback.
 */
export function cellProblem(traceback: readonly string[], executionCount?: number, mapping?: PathMapping, local?: path.PlatformPath): CellProblem | undefined {
  const parsed = lastTraceback(traceback.join('\n'));
  const raised = parsed?.exceptions.at(-1);
  if (!parsed || !raised) return undefined;
  const frames = parsed.exceptions.flatMap((e) => e.frames).filter((f) => f.cell !== undefined && (executionCount === undefined || f.cell === executionCount));
  const inWorkspace = mapping ? tracebackProblem(parsed, mapping, local) : undefined;
  return {
    message: describeException(raised),
    exceptionType: raised.type,
    ...(frames.length ? { cellLine: frames.at(-1)!.line } : {}),
    ...(inWorkspace ? { inWorkspace } : {}),
  };
}
