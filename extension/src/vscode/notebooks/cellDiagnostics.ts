import * as vscode from 'vscode';
import { CELL_PROBLEM_SOURCE, type CellProblems } from '../../notebooks/cellProblems.js';
import type { CellProblem } from '../../tracebacks/cell.js';

/**
 * The Problems panel's name for cells' errors: a collection of its own, so that the jobs' collection
 * (redrawn whole from the jobs' problems) and this one never clear each other's diagnostics.
 */
export const CELL_DIAGNOSTICS_NAME = 'ML Workbench notebooks';

/** The cell's line that raised, from its first non-blank character; the first line when unknown. */
function rangeIn(document: vscode.TextDocument, problem: CellProblem): vscode.Range {
  if (document.lineCount === 0) return new vscode.Range(0, 0, 0, 0);
  const line = document.lineAt(Math.min(Math.max(0, (problem.cellLine ?? 1) - 1), document.lineCount - 1));
  return new vscode.Range(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.text.length);
}

function diagnosticOf(cell: vscode.NotebookCell, problem: CellProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeIn(cell.document, problem), problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = CELL_PROBLEM_SOURCE;
  diagnostic.code = problem.exceptionType;
  return diagnostic;
}

/**
 * The cells' diagnostic collection, redrawn from their problems whenever they change; a deleted
 * cell's problem goes with it.
 */
export function showCellProblems(problems: CellProblems<vscode.NotebookCell>): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(CELL_DIAGNOSTICS_NAME);
  const render = (): void => {
    collection.clear();
    for (const { cell, problem } of problems.all) collection.set(cell.document.uri, [diagnosticOf(cell, problem)]);
  };
  const off = problems.onDidChange(render);
  const deleted = vscode.workspace.onDidChangeNotebookDocument(({ contentChanges }) => {
    for (const change of contentChanges) for (const cell of change.removedCells) problems.forget(cell.document.uri.toString());
  });
  const closed = vscode.workspace.onDidCloseNotebookDocument((notebook) => problems.closed(notebook.uri.toString()));
  return new vscode.Disposable(() => {
    off();
    deleted.dispose();
    closed.dispose();
    collection.dispose();
  });
}
