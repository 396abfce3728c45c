import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CellProblems, cellEndProblem } from '../../../../extension/src/notebooks/cellProblems.js';

// Real IPython `error` tracebacks (coloured), as the kernel sends them: see the jobs' fixtures README.
const FIXTURES = path.join(__dirname, '..', 'jobs', 'fixtures', 'tracebacks');
const tracebacks = (file: string): Record<string, string[]> => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, string[]>;

describe('the problem of a finished cell', () => {
  for (const file of ['ipython8-cells.json', 'ipython85-cells.json']) {
    const raw = tracebacks(file);
    const failed = (name: string, ename: string, evalue: string, executionCount: number) => ({ success: false, executionCount, error: { ename, evalue, traceback: raw[name]! } });

    it(`is the exception and the cell line that raised (${file})`, () => {
      expect(cellEndProblem(failed('cell-simple', 'ZeroDivisionError', 'division by zero', 1))).toEqual({
        message: 'ZeroDivisionError: division by zero',
        exceptionType: 'ZeroDivisionError',
        cellLine: 3,
      });
      // raised inside an imported module: the cell's line is the call, and nothing is mapped to the workspace
      expect(cellEndProblem(failed('cell-calls-module', 'ZeroDivisionError', 'division by zero', 2))).toEqual({
        message: 'ZeroDivisionError: division by zero',
        exceptionType: 'ZeroDivisionError',
        cellLine: 4,
      });
      expect(cellEndProblem(failed('cell-syntax', 'SyntaxError', 'invalid syntax', 3))).toMatchObject({ message: 'SyntaxError: invalid syntax', cellLine: 1 });
      expect(cellEndProblem(failed('cell-chained', 'RuntimeError', 'could not parse', 4))).toMatchObject({ message: 'RuntimeError: could not parse', cellLine: 4 });
    });
  }

  it('maps a frame in a synced module back to its workspace file when the notebook has a mapping', () => {
    const raw = tracebacks('ipython8-cells.json');
    const local = path.join(path.sep, 'src', 'proj');
    const mapping = { envRoot: '/home/mlwb/work/proj', envCwd: '/home/mlwb/work/proj/notebooks', localRoot: local };
    const end = { success: false, executionCount: 2, error: { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: raw['cell-calls-module']! } };
    const problem = cellEndProblem(end, mapping);
    expect(problem).toMatchObject({ cellLine: 4, inWorkspace: { file: path.join(local, 'pkg', 'mod.py'), line: 2, message: 'ZeroDivisionError: division by zero' } });
    // a module outside the synced folder maps nowhere
    expect(cellEndProblem(end, { ...mapping, envRoot: '/home/mlwb/work/other', envCwd: '/home/mlwb/work/other' })?.inWorkspace).toBeUndefined();
  });

  it('is the exception without a line when the traceback cannot be read', () => {
    expect(cellEndProblem({ success: false, executionCount: 5, error: { ename: 'KeyboardInterrupt', evalue: '', traceback: [] } })).toEqual({
      message: 'KeyboardInterrupt',
      exceptionType: 'KeyboardInterrupt',
    });
  });

  it('is none for a cell that succeeded, did not run, or failed without a kernel exception', () => {
    expect(cellEndProblem({ success: true, executionCount: 1 })).toBeUndefined();
    expect(cellEndProblem(undefined)).toBeUndefined();
    expect(cellEndProblem({ success: false })).toBeUndefined();
  });
});

describe('the problems cells left', () => {
  const problem = { message: 'ValueError: bad', exceptionType: 'ValueError', cellLine: 2 };

  it('keeps one per cell, clears it when the cell runs again or succeeds, and tells each change', () => {
    const problems = new CellProblems<string>();
    let changes = 0;
    problems.onDidChange(() => changes++);
    problems.ended('nb1#c1', 'nb1', 'cell 1', problem);
    problems.ended('nb1#c2', 'nb1', 'cell 2', { ...problem, cellLine: 1 });
    expect(problems.all.map((p) => [p.key, p.cell, p.problem.cellLine])).toEqual([
      ['nb1#c1', 'cell 1', 2],
      ['nb1#c2', 'cell 2', 1],
    ]);
    problems.forget('nb1#c1');
    problems.ended('nb1#c2', 'nb1', 'cell 2', undefined);
    expect(problems.all).toEqual([]);
    expect(changes).toBe(4);
    // nothing to clear: no redraw
    problems.forget('nb1#c1');
    problems.ended('nb1#c3', 'nb1', 'cell 3', undefined);
    expect(changes).toBe(4);
  });

  it('clears a closed notebook’s cells and keeps the other notebooks’', () => {
    const problems = new CellProblems<string>();
    problems.ended('nb1#c1', 'nb1', 'a', problem);
    problems.ended('nb1#c2', 'nb1', 'b', problem);
    problems.ended('nb2#c1', 'nb2', 'c', problem);
    let changes = 0;
    problems.onDidChange(() => changes++);
    problems.closed('nb1');
    expect(problems.all.map((p) => p.key)).toEqual(['nb2#c1']);
    problems.closed('nb1');
    expect(changes).toBe(1);
  });
});
