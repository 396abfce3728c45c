import * as vscode from 'vscode';
import { problemSource, type JobProblems } from '../../jobs/problems.js';
import type { ProblemLocation, TracebackProblem } from '../../tracebacks/problem.js';

/** The Problems panel's name for what jobs report. */
export const DIAGNOSTICS_NAME = 'ML Workbench';

/**
 * Where in the editor a location is: the expression Python's carets marked, else the line from its
 * first non-blank character. Python prints source lines without their indentation, so the offsets
 * are moved by the line's own indentation (read from the file; the whole line when it can't be read).
 */
async function rangeOf(at: ProblemLocation): Promise<vscode.Range> {
  const line = Math.max(0, at.line - 1);
  try {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(at.file));
    const text = document.lineAt(Math.min(line, document.lineCount - 1));
    const indent = text.firstNonWhitespaceCharacterIndex;
    if (at.span && at.code !== undefined && text.text.slice(indent).startsWith(at.code)) {
      return new vscode.Range(text.lineNumber, indent + at.span.start, text.lineNumber, indent + at.span.end);
    }
    return new vscode.Range(text.lineNumber, indent, text.lineNumber, text.text.length);
  } catch {
    return new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
  }
}

async function diagnosticOf(jobId: string, problem: TracebackProblem): Promise<vscode.Diagnostic> {
  const diagnostic = new vscode.Diagnostic(await rangeOf(problem), problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = problemSource(jobId);
  diagnostic.code = problem.exceptionType;
  diagnostic.relatedInformation = await Promise.all(
    problem.related.map(async (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), await rangeOf(r)), r.message)),
  );
  return diagnostic;
}

/** The `ML Workbench` diagnostic collection, redrawn from the jobs' problems whenever they change. */
export function showJobProblems(problems: JobProblems): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTICS_NAME);
  let generation = 0;
  const render = async (): Promise<void> => {
    const mine = ++generation;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const { jobId, problem } of problems.all) {
      const diagnostic = await diagnosticOf(jobId, problem);
      byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), diagnostic]);
    }
    if (mine !== generation) return;
    collection.clear();
    for (const [file, diagnostics] of byFile) collection.set(vscode.Uri.file(file), diagnostics);
  };
  const off = problems.onDidChange(() => void render());
  return new vscode.Disposable(() => {
    off();
    collection.dispose();
  });
}
