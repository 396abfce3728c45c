import * as vscode from 'vscode';
import type { ProblemLocation, TracebackProblem } from '../tracebacks/problem.js';

/**
 * Where in the editor a location is: the expression Python's carets marked, else the line from its
 * first non-blank character. Python prints source lines without their indentation, so the offsets
 * are moved by the line's own indentation (read from the file; the whole line when it can't be read).
 */
export async function rangeOf(at: ProblemLocation): Promise<vscode.Range> {
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

/** The diagnostic of a traceback at its workspace file, with the outer frames and earlier exceptions as related places. */
export async function tracebackDiagnostic(problem: TracebackProblem, source: string): Promise<vscode.Diagnostic> {
  const diagnostic = new vscode.Diagnostic(await rangeOf(problem), problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = source;
  diagnostic.code = problem.exceptionType;
  diagnostic.relatedInformation = await Promise.all(
    problem.related.map(async (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), await rangeOf(r)), r.message)),
  );
  return diagnostic;
}
