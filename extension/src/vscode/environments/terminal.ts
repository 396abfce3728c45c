import * as vscode from 'vscode';
import type { Environment } from '../../../../backend/src/protocol/index.js';
import { errorText } from '../../environments/format.js';
import { LineShell, shellCommand } from '../../environments/shell.js';
import { connected, type EnvironmentUi } from './context.js';

/** How long one typed line may run (the protocol's upper bound). */
const EXEC_TIMEOUT_SECONDS = 600;

/** A terminal whose lines run in the environment through `execEnvironment` (line mode, no TTY). */
export function openTerminal(ui: EnvironmentUi, env: Environment): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<void>();
  const shell = new LineShell(env.name, {
    run: (line) => {
      const backend = connected(ui.link);
      // Only the built-in backend on Windows runs local environments with cmd.exe; everything else is POSIX.
      const windows = env.driver === 'local' && backend.endpoint.mode === 'embedded' && process.platform === 'win32';
      return backend.api.call('execEnvironment', { params: { id: env.id }, body: { command: shellCommand(line, windows), timeoutSeconds: EXEC_TIMEOUT_SECONDS } });
    },
    write: (text) => write.fire(text),
    close: () => close.fire(),
    describeError: errorText,
  });
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => shell.open(),
    close: () => {
      shell.dispose();
      write.dispose();
      close.dispose();
    },
    handleInput: (data) => shell.input(data),
  };
  const terminal = vscode.window.createTerminal({ name: `ML Workbench: ${env.name}`, pty, iconPath: new vscode.ThemeIcon('vm') });
  terminal.show();
  return terminal;
}
