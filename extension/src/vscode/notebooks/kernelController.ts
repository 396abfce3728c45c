import * as vscode from 'vscode';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import { cellEndProblem, type CellProblems } from '../../notebooks/cellProblems.js';
import type { CellOutput, CellSink } from '../../notebooks/cellRun.js';
import type { EnvironmentKernels } from '../../notebooks/environmentKernels.js';
import { NotebookWorkspace } from '../../notebooks/notebookWorkspace.js';
import { errorText } from '../../environments/format.js';
import { runCells, type CellExecution } from '../../notebooks/runCells.js';

/** VS Code's notebook type of `.ipynb` files (its built-in serializer's, and the Jupyter extension's). */
export const NOTEBOOK_TYPE = 'jupyter-notebook';

/** The controller id of an environment; the `notebook/toolbar` menu matches the prefix. */
export const controllerId = (envId: string): string => `mlwb-${envId}`;

/** A cell's outputs in the editor, found again by the run's output ids when they grow. */
function cellSink(execution: vscode.NotebookCellExecution): CellSink {
  const outputs = new Map<number, vscode.NotebookCellOutput>();
  const items = (output: CellOutput): vscode.NotebookCellOutputItem[] => output.items.map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime));
  return {
    add: (output) => {
      const cellOutput = new vscode.NotebookCellOutput(items(output));
      outputs.set(output.id, cellOutput);
      void execution.appendOutput(cellOutput);
    },
    update: (output) => {
      const cellOutput = outputs.get(output.id);
      if (cellOutput) void execution.replaceOutputItems(items(output), cellOutput);
    },
    clear: () => {
      outputs.clear();
      void execution.clearOutput();
    },
  };
}

/**
 * The notebook controller of one running environment ("ML Workbench: <name> (Python)"): runs the
 * cells on the environment's kernels, one kernel per notebook; the kernel of a notebook that
 * closes or picks another controller is shut down.
 */
export class KernelController implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly disposables: vscode.Disposable[] = [];
  /** Each notebook's place in the environment (by URI), while it has a kernel here. */
  private readonly workspaces = new Map<string, NotebookWorkspace>();

  constructor(
    readonly env: Environment,
    readonly kernels: EnvironmentKernels,
    private readonly log: vscode.LogOutputChannel,
    private readonly problems: CellProblems<vscode.NotebookCell>,
    /** Syncs a workspace folder into this environment; resolves with where it is there. */
    private readonly syncFolder: (folder: vscode.WorkspaceFolder) => Promise<string>,
  ) {
    const controller = vscode.notebooks.createNotebookController(controllerId(env.id), NOTEBOOK_TYPE, `ML Workbench: ${env.name} (Python)`);
    controller.supportedLanguages = ['python'];
    controller.supportsExecutionOrder = true;
    controller.description = env.image;
    controller.detail = `Runs on the Jupyter kernel of environment ${env.name}, through the ML Workbench backend.`;
    controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.controller = controller;
    this.disposables.push(
      controller,
      controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (!selected) this.close(notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => this.close(notebook)),
    );
  }

  /** Restarts the notebook's kernel (if it has one yet). */
  async restart(notebook: vscode.NotebookDocument): Promise<void> {
    await this.kernels.existing(notebook.uri.toString())?.restart();
  }

  /** The environment stopped: running cells end with a message that says so. */
  environmentStopped(): void {
    this.kernels.environmentStopped();
  }

  dispose(): void {
    void this.kernels.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  /** The notebook's place: its workspace folder is synced before its kernel starts or restarts (see NotebookWorkspace). */
  private workspaceOf(notebook: vscode.NotebookDocument): NotebookWorkspace {
    const key = notebook.uri.toString();
    let workspace = this.workspaces.get(key);
    if (!workspace) {
      const file = notebook.uri.scheme === 'file' ? notebook.uri.fsPath : undefined;
      const folder = file ? vscode.workspace.getWorkspaceFolder(notebook.uri) : undefined;
      workspace = new NotebookWorkspace(
        { label: vscode.workspace.asRelativePath(notebook.uri, false), ...(file ? { file } : {}), ...(folder ? { folder: folder.uri.fsPath } : {}) },
        async () => (folder ? this.syncOrWarn(folder) : undefined),
      );
      this.workspaces.set(key, workspace);
    }
    return workspace;
  }

  /** A failed or cancelled sync does not keep the kernel from starting: the user is told what it lacks. */
  private async syncOrWarn(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    try {
      return await this.syncFolder(folder);
    } catch (error) {
      this.log.warn(`syncing ${folder.name} to ${this.env.name} for a notebook kernel failed: ${errorText(error)}`);
      void vscode.window.showWarningMessage(`ML Workbench: could not sync ${folder.name} to ${this.env.name} (${errorText(error)}). The kernel runs without the workspace's latest files.`);
      return undefined;
    }
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    const workspace = this.workspaceOf(notebook);
    const session = this.kernels.sessionFor(notebook.uri.toString(), { path: workspace.kernelPath, beforeStart: () => workspace.sync() });
    const executions: CellExecution[] = cells.map((cell) => {
      const execution = this.controller.createNotebookCellExecution(cell);
      const key = cell.document.uri.toString();
      return {
        code: cell.document.getText(),
        sink: cellSink(execution),
        start: () => {
          execution.start(Date.now());
          void execution.clearOutput();
          this.problems.forget(key);
        },
        end: (end) => {
          if (end?.executionCount !== undefined) execution.executionOrder = end.executionCount;
          execution.end(end?.success, end ? Date.now() : undefined);
          if (end) this.problems.ended(key, notebook.uri.toString(), cell, cellEndProblem(end, workspace.mapping));
        },
      };
    });
    await runCells(session, executions, this.env.name);
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    try {
      await this.kernels.existing(notebook.uri.toString())?.interrupt();
    } catch (error) {
      this.log.error(`interrupting the kernel of ${notebook.uri.toString()} failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`ML Workbench: could not interrupt the kernel: ${(error as Error).message}`);
    }
  }

  private close(notebook: vscode.NotebookDocument): void {
    this.workspaces.delete(notebook.uri.toString());
    this.kernels.close(notebook.uri.toString()).catch((error: Error) => this.log.warn(`shutting down the kernel of ${notebook.uri.toString()}: ${error.message}`));
  }
}
