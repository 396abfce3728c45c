import * as vscode from 'vscode';
import type { Job } from '../../../../backend/src/protocol/index.js';
import type { BackendLink } from '../../backend/link.js';
import type { EnvironmentFocus } from '../../environments/focus.js';
import { JobLogView } from '../../jobs/logView.js';
import type { JobOutput } from '../../jobs/output.js';
import { connected } from '../environments/context.js';

export interface JobTerminalsDeps {
  link: BackendLink;
  focus: EnvironmentFocus;
  /** The job ended: what its terminal adds below the outcome (where the traceback points), if anything. */
  ended(job: Job, output: JobOutput): string | undefined;
}

/**
 * One pseudo-terminal per job (`Job <id> · <env>`), showing its log as JobLogView writes it.
 * Showing a job's log again brings its terminal back instead of opening a second one. While a job
 * terminal is the active one, its environment is the editor's focus (the resource monitor follows it).
 */
export class JobTerminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; envId: string }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: JobTerminalsDeps) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTerminal((terminal) => this.focusOn(terminal)),
      vscode.window.onDidCloseTerminal((terminal) => {
        for (const [id, entry] of this.open) if (entry.terminal === terminal) this.open.delete(id);
        this.focusOn(vscode.window.activeTerminal);
      }),
    ];
  }

  show(job: Job, envName: string): vscode.Terminal {
    const known = this.open.get(job.id);
    if (known) {
      known.terminal.show();
      return known.terminal;
    }
    const write = new vscode.EventEmitter<string>();
    const view = new JobLogView({
      link: this.deps.link,
      job,
      envName,
      write: (data) => write.fire(data),
      cancel: () => connected(this.deps.link).api.call('cancelJob', { params: { id: job.id } }),
      ended: (ended, output) => this.deps.ended(ended, output),
    });
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      open: () => view.open(),
      close: () => {
        view.dispose();
        write.dispose();
      },
      handleInput: (data) => view.input(data),
    };
    const terminal = vscode.window.createTerminal({ name: `Job ${job.id} · ${envName}`, pty, iconPath: new vscode.ThemeIcon('play-circle') });
    this.open.set(job.id, { terminal, envId: job.envId });
    terminal.show();
    this.focusOn(terminal);
    return terminal;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    for (const { terminal } of this.open.values()) terminal.dispose();
    this.open.clear();
    this.deps.focus.set('job', undefined);
  }

  private focusOn(terminal: vscode.Terminal | undefined): void {
    const entry = [...this.open.values()].find((e) => e.terminal === terminal);
    this.deps.focus.set('job', entry?.envId);
  }
}
