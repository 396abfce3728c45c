import { describe, expect, it } from 'vitest';
import type { CellEnd, CellOutput } from '../../../../extension/src/notebooks/cellRun.js';
import { NO_KERNEL, runCells, type CellExecution } from '../../../../extension/src/notebooks/runCells.js';

/** A cell that records what the runner did with it. */
function cell(code: string, log: string[]): CellExecution & { outputs: CellOutput[] } {
  const outputs: CellOutput[] = [];
  return {
    code,
    outputs,
    sink: { add: (o) => outputs.push(o), update: () => undefined, clear: () => undefined },
    start: () => log.push(`start ${code}`),
    end: (end) => log.push(`end ${code} ${end === undefined ? 'skipped' : end.success}`),
  };
}

describe('running cells', () => {
  it('runs them in order and stops after the first failure', async () => {
    const log: string[] = [];
    const results: Record<string, CellEnd> = { a: { success: true, executionCount: 1 }, b: { success: false, executionCount: 2 } };
    const session = { execute: async (code: string) => results[code] };
    await runCells(session, [cell('a', log), cell('b', log), cell('c', log)], 'env');
    expect(log).toEqual(['start a', 'end a true', 'start b', 'end b false', 'end c skipped']);
  });

  it('ends a cell that could not reach a kernel with an error naming the environment', async () => {
    const log: string[] = [];
    const first = cell('a', log);
    const session = { execute: async () => Promise.reject(new Error('POST /api/sessions answered 409: environment is stopped')) };
    await runCells(session, [first, cell('b', log)], 'gpu-box');
    expect(log).toEqual(['start a', 'end a false', 'end b skipped']);
    const error = JSON.parse(new TextDecoder().decode(first.outputs[0]!.items[0]!.data)) as { name: string; message: string };
    expect(error).toEqual({ name: NO_KERNEL, message: 'No kernel in gpu-box: POST /api/sessions answered 409: environment is stopped', stack: '' });
  });

  it('treats a cell dropped from the queue (interrupt) as not run, and runs no more', async () => {
    const log: string[] = [];
    await runCells({ execute: async () => undefined }, [cell('a', log), cell('b', log)], 'env');
    expect(log).toEqual(['start a', 'end a skipped', 'end b skipped']);
  });
});
