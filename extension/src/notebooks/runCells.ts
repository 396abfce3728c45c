import type { CellEnd, CellSink } from './cellRun.js';
import type { KernelSession } from './kernelSession.js';
import { errorOutput } from './outputs.js';

/** One cell as the runner drives it: its code, where its outputs go, and its start and end in the editor. */
export interface CellExecution {
  code: string;
  sink: CellSink;
  start(): void;
  /** `undefined`: the cell did not run (an earlier cell failed, or an interrupt dropped it). */
  end(end: CellEnd | undefined): void;
}

/** The error name of a cell whose kernel could not be reached or started. */
export const NO_KERNEL = 'KernelUnavailable';

/**
 * Runs cells one after the other (Run All), as Jupyter does: after a cell fails, the rest do not
 * run. A kernel that cannot be started or reached ends the cell with an error that says why.
 */
export async function runCells(session: Pick<KernelSession, 'execute'>, cells: CellExecution[], envName: string): Promise<void> {
  let failed = false;
  for (const cell of cells) {
    if (failed) {
      cell.end(undefined);
      continue;
    }
    cell.start();
    let end: CellEnd | undefined;
    try {
      end = await session.execute(cell.code, cell.sink);
    } catch (error) {
      cell.sink.add({ id: -1, items: [errorOutput(NO_KERNEL, `No kernel in ${envName}: ${(error as Error).message}`)] });
      end = { success: false };
    }
    cell.end(end);
    failed = !end?.success;
  }
}
