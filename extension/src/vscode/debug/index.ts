import * as vscode from 'vscode';
import { COMMANDS } from '../../names.js';
import { register } from '../commands.js';
import type { JobsUi } from '../jobs/context.js';
import { debugFile, type DebugRuns } from './debugFile.js';

/** Debug File in Environment, and the link from the editor's debug sessions back to their jobs. */
export function registerDebug(ui: JobsUi, channel: vscode.LogOutputChannel): vscode.Disposable[] {
  const runs: DebugRuns = new Map();
  return [
    register(channel, COMMANDS.debugFile, (arg) => debugFile(ui, runs, arg)),
    vscode.debug.onDidTerminateDebugSession((session) => {
      const id: unknown = session.configuration.mlwbJobId;
      if (typeof id === 'string') void runs.get(id)?.sessionEnded();
    }),
    { dispose: () => [...runs.values()].forEach((run) => void run.sessionEnded()) },
  ];
}
