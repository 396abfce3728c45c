import type { ExecResult } from '../../../backend/src/protocol/index.js';

/**
 * The argument list that runs a typed line in the environment. Lines are shell lines (pipes,
 * globs, `&&`), so they go to a shell inside the environment; its only input is the user's own line.
 */
export function shellCommand(line: string, windows = false): string[] {
  return windows ? ['cmd.exe', '/d', '/s', '/c', line] : ['sh', '-c', line];
}

export interface ShellDeps {
  /** Runs one line in the environment. */
  run(line: string): Promise<ExecResult>;
  /** Text for the terminal (already with CRLF line ends and ANSI colors). */
  write(text: string): void;
  /** The user typed `exit` or Ctrl+D on an empty line. */
  close(): void;
  describeError(error: unknown): string;
}

const RED = '\x1b[31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
const PROMPT = '\x1b[1m$\x1b[0m ';

/** Terminal text: every line end a CRLF (a pseudo-terminal does not translate `\n`). */
export const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/**
 * A line-mode shell for a pseudo-terminal: echoes what is typed, edits with Backspace, runs each
 * line through `run` on Enter (lines typed meanwhile wait their turn), prints stdout, stderr in red
 * and a non-zero exit code. Each line runs in a fresh process: `cd` and variables do not carry over.
 */
export class LineShell {
  private line = '';
  private readonly queue: string[] = [];
  private running = false;
  private closed = false;

  constructor(
    private readonly title: string,
    private readonly deps: ShellDeps,
  ) {}

  open(): void {
    this.deps.write(crlf(`${DIM}${this.title}: each line runs on its own in the environment's shell, so "cd" does not carry over. "exit" or Ctrl+D closes.${RESET}\n`));
    this.deps.write(PROMPT);
  }

  input(data: string): void {
    for (const ch of withoutEscapes(data)) this.key(ch);
  }

  dispose(): void {
    this.closed = true;
  }

  private key(ch: string): void {
    if (ch === '\r' || ch === '\n') return this.enter();
    if (this.running) {
      // Typed ahead while a line runs: kept for when it is done, not echoed over its output.
      this.line += ch === '\x7f' ? '' : ch;
      return;
    }
    if (ch === '\x7f' || ch === '\b') {
      if (!this.line) return;
      this.line = this.line.slice(0, -1);
      return this.deps.write('\b \b');
    }
    if (ch === '\x03') {
      this.line = '';
      return this.deps.write(`^C\r\n${PROMPT}`);
    }
    if (ch === '\x04') {
      if (!this.line) this.close();
      return;
    }
    if (ch < ' ') return;
    this.line += ch;
    this.deps.write(ch);
  }

  private enter(): void {
    const line = this.line;
    this.line = '';
    if (!this.running) this.deps.write('\r\n');
    this.queue.push(line);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length && !this.closed) {
      const line = this.queue.shift()!.trim();
      if (line === 'exit') return this.close();
      if (line) await this.runLine(line);
      if (this.queue.length && !this.closed) this.deps.write(`${PROMPT}${this.queue[0]}\r\n`);
    }
    this.running = false;
    if (!this.closed) this.deps.write(`${PROMPT}${this.line}`);
  }

  private async runLine(line: string): Promise<void> {
    try {
      const result = await this.deps.run(line);
      if (this.closed) return;
      this.deps.write(crlf(endLine(result.stdout)));
      if (result.stderr) this.deps.write(crlf(`${RED}${endLine(result.stderr)}${RESET}`));
      const notes = [
        result.timedOut ? 'timed out' : '',
        result.truncated ? 'output cut at 1 MiB per stream' : '',
        result.exitCode !== null && result.exitCode !== 0 ? `exit ${result.exitCode}` : '',
      ].filter(Boolean);
      if (notes.length) this.deps.write(`${DIM}[${notes.join(', ')}]${RESET}\r\n`);
    } catch (error) {
      if (!this.closed) this.deps.write(crlf(`${RED}${this.deps.describeError(error)}${RESET}\n`));
    }
  }

  private close(): void {
    this.closed = true;
    this.deps.close();
  }
}

/** Output that does not end with a line break gets one, so the prompt starts a line of its own. */
function endLine(text: string): string {
  return text && !text.endsWith('\n') ? `${text}\n` : text;
}

/** Drops arrow keys and other escape sequences (ESC [ … letter): line mode has no cursor movement or history. */
function withoutEscapes(data: string): string {
  let out = '';
  let inEscape = false;
  for (const ch of data) {
    if (ch === '\x1b') inEscape = true;
    else if (!inEscape) out += ch;
    else if (/[A-Za-z~]/.test(ch)) inEscape = false;
  }
  return out;
}
