import { cellProblem, type CellProblem } from '../tracebacks/cell.js';
import type { PathMapping } from '../tracebacks/paths.js';
import { describeException } from '../tracebacks/problem.js';
import type { CellEnd } from './cellRun.js';

/** The diagnostics' source for a cell's error. */
export const CELL_PROBLEM_SOURCE = 'ML Workbench notebook';

/**
 * What a finished cell's error says, or undefined when it succeeded, did not run, or failed without
 * a kernel exception (our own errors: no kernel, the environment stopped). A traceback that cannot
 * be read still gives the exception, without a line. With the notebook's `mapping` (its workspace
 * was synced), frames in the workspace's modules map back to their files (`inWorkspace`).
 */
export function cellEndProblem(end: CellEnd | undefined, mapping?: PathMapping): CellProblem | undefined {
  if (!end || end.success || !end.error) return undefined;
  const { ename, evalue, traceback } = end.error;
  return cellProblem(traceback, end.executionCount, mapping) ?? { message: describeException({ type: ename, message: evalue }), exceptionType: ename };
}

interface Entry<Cell> {
  /** The notebook the cell belongs to (its problems go when it closes). */
  notebook: string;
  cell: Cell;
  problem: CellProblem;
}

/**
 * The problems cells left, by cell (keyed by the cell document's URI; `Cell` is what the editor
 * needs to show one): a cell that runs again loses its problem, a notebook that closes loses all of
 * its cells'. `onDidChange` tells the Problems panel to redraw.
 */
export class CellProblems<Cell> {
  private readonly byCell = new Map<string, Entry<Cell>>();
  private readonly listeners = new Set<() => void>();

  /** The cell started running (or was deleted): what its last run left goes. */
  forget(cell: string): void {
    if (this.byCell.delete(cell)) this.fire();
  }

  /** The cell ended with this problem (undefined: none). */
  ended(key: string, notebook: string, cell: Cell, problem: CellProblem | undefined): void {
    if (problem) this.byCell.set(key, { notebook, cell, problem });
    else if (!this.byCell.delete(key)) return;
    this.fire();
  }

  /** The notebook closed: its cells' problems go. */
  closed(notebook: string): void {
    let changed = false;
    for (const [key, entry] of this.byCell) {
      if (entry.notebook !== notebook) continue;
      this.byCell.delete(key);
      changed = true;
    }
    if (changed) this.fire();
  }

  /** Every problem standing, with its cell. */
  get all(): { key: string; cell: Cell; problem: CellProblem }[] {
    return [...this.byCell].map(([key, { cell, problem }]) => ({ key, cell, problem }));
  }

  onDidChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private fire(): void {
    this.listeners.forEach((fn) => fn());
  }
}
