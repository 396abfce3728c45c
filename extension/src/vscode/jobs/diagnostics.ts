import * as vscode from 'vscode';
import { problemSource, type JobProblems } from '../../jobs/problems.js';
import { tracebackDiagnostic } from '../tracebackDiagnostics.js';

/** The Problems panel's name for what jobs report. */
export const DIAGNOSTICS_NAME = 'ML Workbench';

/** The `ML Workbench` diagnostic collection, redrawn from the jobs' problems whenever they change. */
export function showJobProblems(problems: JobProblems): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTICS_NAME);
  let generation = 0;
  const render = async (): Promise<void> => {
    const mine = ++generation;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const { jobId, problem } of problems.all) {
      const diagnostic = await tracebackDiagnostic(problem, problemSource(jobId));
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
