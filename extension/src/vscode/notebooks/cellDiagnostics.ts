import * as vscode from 'vscode';
import { CELL_PROBLEM_SOURCE, type CellProblems } from '../../notebooks/cellProblems.js';
import type { CellProblem } from '../../tracebacks/cell.js';
import { tracebackDiagnostic } from '../tracebackDiagnostics.js';

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

function cellDiagnostic(cell: vscode.NotebookCell, problem: CellProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeIn(cell.document, problem), problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = CELL_PROBLEM_SOURCE;
  diagnostic.code = problem.exceptionType;
  return diagnostic;
}

/**
 * A cell's error: on the cell, and, when it struck in a workspace module the cell called, on that
 * file too; each points at the other.
 */
async function diagnosticsOf(cell: vscode.NotebookCell, problem: CellProblem): Promise<[vscode.Uri, vscode.Diagnostic][]> {
  const onCell = cellDiagnostic(cell, problem);
  if (!problem.inWorkspace) return [[cell.document.uri, onCell]];
  const inFile = await tracebackDiagnostic(problem.inWorkspace, CELL_PROBLEM_SOURCE);
  const file = vscode.Uri.file(problem.inWorkspace.file);
  inFile.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(cell.document.uri, onCell.range), 'the notebook cell that ran it'), ...(inFile.relatedInformation ?? [])];
  onCell.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(file, inFile.range), `raised in ${vscode.workspace.asRelativePath(file)}`)];
  return [
    [cell.document.uri, onCell],
    [file, inFile],
  ];
}

/**
 * The cells' diagnostic collection, redrawn from their problems whenever they change (the latest
 * redraw wins; reading a module file to place its range takes a moment); a deleted cell's problem
 * goes with it.
 */
export function showCellProblems(problems: CellProblems<vscode.NotebookCell>): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(CELL_DIAGNOSTICS_NAME);
  let generation = 0;
  const render = async (): Promise<void> => {
    const mine = ++generation;
    const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const { cell, problem } of problems.all) {
      for (const [uri, diagnostic] of await diagnosticsOf(cell, problem)) {
        const entry = byUri.get(uri.toString()) ?? { uri, diagnostics: [] };
        entry.diagnostics.push(diagnostic);
        byUri.set(uri.toString(), entry);
      }
    }
    if (mine !== generation) return;
    collection.clear();
    for (const { uri, diagnostics } of byUri.values()) collection.set(uri, diagnostics);
  };
  const off = problems.onDidChange(() => void render());
  const deleted = vscode.workspace.onDidChangeNotebookDocument(({ contentChanges }) => {
    for (const change of contentChanges) for (const cell of change.removedCells) problems.forget(cell.document.uri.toString());
  });
  const closed = vscode.workspace.onDidCloseNotebookDocument((notebook) => problems.closed(notebook.uri.toString()));
  return new vscode.Disposable(() => {
    generation += 1; // a redraw still reading files must not touch the disposed collection
    off();
    deleted.dispose();
    closed.dispose();
    collection.dispose();
  });
}
