import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellProblem } from '../../../../extension/src/tracebacks/cell.js';
import { lastTraceback, parseTracebacks } from '../../../../extension/src/tracebacks/parse.js';
import { toLocalPath } from '../../../../extension/src/tracebacks/paths.js';
import { outputProblem } from '../../../../extension/src/tracebacks/problem.js';

// Real output of CPython and IPython (see fixtures/tracebacks/README.md for how each was made).
const FIXTURES = path.join(__dirname, 'fixtures', 'tracebacks');
const sample = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const cells = (name: string): Record<string, string> => {
  const parsed = JSON.parse(sample(name)) as Record<string, string[]>;
  return Object.fromEntries(Object.entries(parsed).map(([cell, lines]) => [cell, lines.join('\n')]));
};

const ENV_ROOT = '/home/mlwb/work/proj';
const LOCAL_ROOT = path.join(FIXTURES, 'proj');
const mapping = { envRoot: ENV_ROOT, localRoot: LOCAL_ROOT };

/** The line of the local file a problem points at, to check that it is the one Python printed. */
const lineOf = (file: string, line: number): string => readFileSync(file, 'utf8').split('\n')[line - 1]!.trim();

describe('parseTracebacks on real CPython output', () => {
  it('reads a plain traceback: frames outermost first, with their source, and the exception', () => {
    const tb = lastTraceback(sample('py311-simple.txt'));
    expect(tb?.exceptions).toHaveLength(1);
    const [e] = tb!.exceptions;
    expect(e).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero' });
    expect(e!.frames.map((f) => [f.file, f.line, f.name])).toEqual([
      [`${ENV_ROOT}/simple.py`, 7, '<module>'],
      [`${ENV_ROOT}/simple.py`, 5, 'main'],
      [`${ENV_ROOT}/pkg/mod.py`, 2, 'divide'],
    ]);
    expect(e!.frames[2]).toMatchObject({ code: 'return a / b', span: { start: 7, end: 12 } });
  });

  it('keeps an explicit cause and its link ("The above exception was the direct cause…")', () => {
    const { exceptions } = lastTraceback(sample('py311-chained.txt'))!;
    expect(exceptions.map((e) => [e.type, e.link])).toEqual([
      ['json.decoder.JSONDecodeError', undefined],
      ['ValueError', 'cause'],
    ]);
    expect(exceptions[1]!.message).toBe("bad config: '{oops'");
    expect(exceptions[0]!.frames).toHaveLength(4);
  });

  it('keeps an implicit context ("During handling of the above exception…"), also as Python 3.8 prints it', () => {
    for (const name of ['py311-during.txt', 'py38-during.txt']) {
      const { exceptions } = lastTraceback(sample(name))!;
      expect(exceptions.map((e) => `${e.type}:${e.link ?? ''}`), name).toEqual(['KeyError:', 'RuntimeError:context']);
      expect(exceptions[1]!.frames.at(-1)).toMatchObject({ line: 2, name: 'cleanup' });
    }
  });

  it('reads a three-link chain as one traceback', () => {
    const tbs = parseTracebacks(sample('py311-context_chain.txt'));
    expect(tbs).toHaveLength(1);
    expect(tbs[0]!.exceptions.map((e) => e.type)).toEqual(['KeyError', 'ValueError', 'RuntimeError']);
  });

  it('reads a SyntaxError printed without a traceback, with the caret column', () => {
    for (const name of ['py311-syntax.txt', 'py38-syntax.txt']) {
      const e = lastTraceback(sample(name))!.exceptions[0]!;
      expect(e, name).toMatchObject({ type: 'SyntaxError', message: 'invalid syntax' });
      expect(e.frames).toEqual([expect.objectContaining({ line: 2, code: 'return x +' })]);
      expect(e.frames[0]!.name).toBeUndefined();
    }
    expect(lastTraceback(sample('py311-syntax.txt'))!.exceptions[0]!.frames[0]!.span).toEqual({ start: 10, end: 11 });
  });

  it('reads a SyntaxError raised by an import: its location is the innermost frame', () => {
    for (const name of ['py311-importer.txt', 'py312-importer.txt']) {
      const e = lastTraceback(sample(name))!.exceptions[0]!;
      expect(e.type).toBe('SyntaxError');
      expect(e.message).toBe("'[' was never closed");
      expect(e.frames.map((f) => [path.posix.basename(f.file), f.line])).toEqual([['importer.py', 1], ['broken.py', 1]]);
    }
  });

  it('reads an IndentationError (3.11 and 3.13)', () => {
    for (const name of ['py311-indent.txt', 'py313-indent.txt']) {
      const e = lastTraceback(sample(name))!.exceptions[0]!;
      expect(e).toMatchObject({ type: 'IndentationError', message: 'expected an indented block after function definition on line 1' });
      expect(e.frames[0]).toMatchObject({ line: 2, code: 'pass' });
    }
  });

  it('reads a message over several lines, and an exception without a message', () => {
    expect(lastTraceback(sample('py311-custom.txt'))!.exceptions[0]).toMatchObject({ type: 'TrainingError', message: 'loss is NaN at epoch 2\nlast batch: 17' });
    expect(lastTraceback(sample('py311-noargs.txt'))!.exceptions[0]).toMatchObject({ type: 'SystemError', message: '' });
  });

  it('skips "[Previous line repeated …]" in a RecursionError', () => {
    const e = lastTraceback(sample('py311-recursion.txt'))!.exceptions[0]!;
    expect(e.type).toBe('RecursionError');
    expect(e.frames.every((f) => f.file.endsWith('recursion.py'))).toBe(true);
  });

  it("reads an exception group's own traceback out of its box drawing (3.11 and 3.13)", () => {
    for (const name of ['py311-group.txt', 'py313-group.txt']) {
      const tbs = parseTracebacks(sample(name));
      expect(tbs, name).toHaveLength(1);
      const e = tbs[0]!.exceptions[0]!;
      expect(e).toMatchObject({ type: 'ExceptionGroup', message: 'several failed (2 sub-exceptions)' });
      expect(e.frames.map((f) => f.line)).toEqual([3, 2]);
    }
  });

  it('ignores the colours of Python 3.13', () => {
    const { exceptions } = lastTraceback(sample('py313-color-chained.txt'))!;
    expect(exceptions.map((e) => e.type)).toEqual(['json.decoder.JSONDecodeError', 'ValueError']);
    expect(exceptions[1]!.frames.at(-1)).toMatchObject({ file: `${ENV_ROOT}/chained.py`, line: 7, name: 'parse' });
  });

  it('finds the traceback among ordinary output, and none in output without one', () => {
    const tbs = parseTracebacks(sample('py311-mixed.txt'));
    expect(tbs).toHaveLength(1);
    expect(tbs[0]!.exceptions[0]).toMatchObject({ type: 'FileNotFoundError', message: "[Errno 2] No such file or directory: '/nonexistent/data.csv'" });
    expect(parseTracebacks('epoch 1: loss=0.3\nFile "x.py", line 3\ndone\n')).toEqual([]);
    // A traceback cut off before its exception line (the process was killed) is not the last one.
    const cut = `${sample('py311-simple.txt')}Traceback (most recent call last):\n  File "/home/mlwb/work/proj/a.py", line 1, in <module>\n`;
    expect(lastTraceback(cut)?.exceptions[0]?.type).toBe('ZeroDivisionError');
  });
});

describe('parseTracebacks on IPython cell errors (coloured)', () => {
  for (const file of ['ipython8-cells.json', 'ipython85-cells.json']) {
    const byCell = cells(file);

    it(`reads cell frames and module frames (${file})`, () => {
      const e = lastTraceback(byCell['cell-calls-module']!)!.exceptions[0]!;
      expect(e).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero' });
      expect(e.frames.map((f) => [f.file, f.line, f.name ?? null, f.cell ?? null])).toEqual([
        ['In[2]', 6, null, 2],
        ['In[2]', 4, 'go', 2],
        ['~/work/proj/pkg/mod.py', 2, 'divide', null],
      ]);
      expect(e.frames[2]!.code).toBe('return a / b');
    });

    it(`reads a chained cell error and a cell's SyntaxError (${file})`, () => {
      expect(lastTraceback(byCell['cell-chained']!)!.exceptions.map((e) => [e.type, e.link])).toEqual([
        ['ValueError', undefined],
        ['RuntimeError', 'cause'],
      ]);
      const syntax = lastTraceback(byCell['cell-syntax']!)!.exceptions[0]!;
      expect(syntax).toMatchObject({ type: 'SyntaxError', message: 'invalid syntax' });
      expect(syntax.frames[0]).toMatchObject({ cell: 3, line: 1, code: 'def f(:' });
    });
  }
});

describe('toLocalPath', () => {
  it('maps a path under the environment root to the workspace file, and nothing outside it', () => {
    expect(toLocalPath(`${ENV_ROOT}/pkg/mod.py`, mapping)).toBe(path.join(LOCAL_ROOT, 'pkg', 'mod.py'));
    expect(toLocalPath('/usr/lib/python3.11/json/decoder.py', mapping)).toBeUndefined();
    expect(toLocalPath('/home/mlwb/work/projX/a.py', mapping)).toBeUndefined();
    expect(toLocalPath(`${ENV_ROOT}/.venv/lib/python3.11/site-packages/x/y.py`, mapping)).toBeUndefined();
    expect(toLocalPath('<frozen importlib._bootstrap>', mapping)).toBeUndefined();
    expect(toLocalPath('In[3]', mapping)).toBeUndefined();
  });

  it("resolves relative paths against the job's working directory, and IPython's ~ against the home", () => {
    expect(toLocalPath('during.py', { ...mapping, envCwd: ENV_ROOT })).toBe(path.join(LOCAL_ROOT, 'during.py'));
    expect(toLocalPath('mod.py', { ...mapping, envCwd: `${ENV_ROOT}/pkg` })).toBe(path.join(LOCAL_ROOT, 'pkg', 'mod.py'));
    expect(toLocalPath('~/work/proj/pkg/mod.py', mapping)).toBe(path.join(LOCAL_ROOT, 'pkg', 'mod.py'));
    expect(toLocalPath('~/work/proj/a.py', { envRoot: '/srv/ws', envHome: '/srv', localRoot: LOCAL_ROOT })).toBeUndefined();
  });

  it('maps POSIX environment paths into a Windows workspace folder', () => {
    const win = { envRoot: '/home/mlwb/work/ws-1', localRoot: 'C:\\Users\\Ann\\proj' };
    expect(toLocalPath('/home/mlwb/work/ws-1/src/train.py', win, path.win32)).toBe('C:\\Users\\Ann\\proj\\src\\train.py');
    expect(toLocalPath('/home/mlwb/work/ws-10/train.py', win, path.win32)).toBeUndefined();
  });

  it('maps Windows environment paths (a local environment on Windows) case-insensitively, keeping their case', () => {
    const win = { envRoot: 'C:\\Users\\Ann\\AppData\\mlwb\\env-1\\work', localRoot: 'D:\\code\\proj' };
    expect(toLocalPath('c:\\users\\ann\\appdata\\mlwb\\env-1\\work\\Src\\Train.py', win, path.win32)).toBe('D:\\code\\proj\\Src\\Train.py');
    expect(toLocalPath('C:\\Python311\\Lib\\json\\decoder.py', win, path.win32)).toBeUndefined();
  });
});

describe('outputProblem', () => {
  it('points at the innermost workspace frame, with the exception, and the outer frames as related', () => {
    const problem = outputProblem(sample('py311-simple.txt'), mapping)!;
    expect(problem).toMatchObject({ file: path.join(LOCAL_ROOT, 'pkg', 'mod.py'), line: 2, message: 'ZeroDivisionError: division by zero', exceptionType: 'ZeroDivisionError' });
    expect(lineOf(problem.file, problem.line)).toBe(problem.code);
    expect(problem.related.map((r) => [path.basename(r.file), r.line, r.message])).toEqual([
      ['simple.py', 7, 'called main'],
      ['simple.py', 5, 'called divide'],
    ]);
  });

  it('skips standard-library and site-packages frames', () => {
    const inStdlib = outputProblem(sample('py311-stdlib_inner.txt'), mapping)!;
    expect([path.basename(inStdlib.file), inStdlib.line]).toEqual(['stdlib_inner.py', 2]);
    expect(inStdlib.message).toMatch(/^json\.decoder\.JSONDecodeError: Expecting value/);
    const viaLibrary = outputProblem(sample('py311-sitepkg.txt'), mapping)!;
    expect([path.basename(viaLibrary.file), viaLibrary.line, viaLibrary.message]).toEqual(['sitepkg.py', 4, 'ValueError: step 3 diverged']);
  });

  it('names the final exception and lists the earlier ones of the chain', () => {
    const problem = outputProblem(sample('py311-chained.txt'), mapping)!;
    expect([path.basename(problem.file), problem.line, problem.message]).toEqual(['chained.py', 7, "ValueError: bad config: '{oops'"]);
    expect(problem.related.at(-1)).toMatchObject({ line: 5, message: expect.stringMatching(/^json\.decoder\.JSONDecodeError: .* \(the direct cause\)$/) });
    const during = outputProblem(sample('py38-during.txt'), { ...mapping, envCwd: ENV_ROOT })!;
    expect(during.related.at(-1)).toMatchObject({ line: 5, message: "KeyError: 'missing' (being handled when the error occurred)" });
  });

  it('puts a SyntaxError in an imported module at that module, with the caret span', () => {
    const problem = outputProblem(sample('py311-importer.txt'), mapping)!;
    expect([path.relative(LOCAL_ROOT, problem.file), problem.line, problem.span]).toEqual([path.join('pkg', 'broken.py'), 1, { start: 4, end: 5 }]);
    expect(lineOf(problem.file, problem.line)).toBe(problem.code);
  });

  it('maps a coloured IPython cell error that went through a workspace module', () => {
    const problem = outputProblem(cells('ipython85-cells.json')['cell-calls-module']!, mapping)!;
    expect([path.relative(LOCAL_ROOT, problem.file), problem.line]).toEqual([path.join('pkg', 'mod.py'), 2]);
  });

  it('has no problem when no frame lies in the workspace', () => {
    expect(outputProblem(sample('py311-simple.txt'), { envRoot: '/elsewhere', localRoot: LOCAL_ROOT })).toBeUndefined();
    expect(outputProblem('all good\n', mapping)).toBeUndefined();
  });
});

describe('cellProblem', () => {
  for (const file of ['ipython8-cells.json', 'ipython85-cells.json']) {
    const raw = JSON.parse(sample(file)) as Record<string, string[]>;

    it(`finds the line of the cell that raised, and the workspace file it called into (${file})`, () => {
      expect(cellProblem(raw['cell-simple']!, 1)).toEqual({ message: 'ZeroDivisionError: division by zero', exceptionType: 'ZeroDivisionError', cellLine: 3 });
      const viaModule = cellProblem(raw['cell-calls-module']!, 2, mapping)!;
      expect(viaModule.cellLine).toBe(4);
      expect([path.relative(LOCAL_ROOT, viaModule.inWorkspace!.file), viaModule.inWorkspace!.line]).toEqual([path.join('pkg', 'mod.py'), 2]);
    });

    it(`reads a cell's SyntaxError and a chained error (${file})`, () => {
      expect(cellProblem(raw['cell-syntax']!, 3)).toMatchObject({ message: 'SyntaxError: invalid syntax', cellLine: 1 });
      expect(cellProblem(raw['cell-chained']!, 4)).toMatchObject({ message: 'RuntimeError: could not parse', cellLine: 4 });
      expect(cellProblem(raw['cell-chained']!, 99)?.cellLine).toBeUndefined();
      expect(cellProblem(['no traceback here'])).toBeUndefined();
    });
  }
});
