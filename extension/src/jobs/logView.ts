import type { Job } from '../../../backend/src/protocol/index.js';
import type { BackendLink } from '../backend/link.js';
import { errorText } from '../environments/format.js';
import { JobLogFollower, type FollowedLine } from './follower.js';
import { commandText, finalLine } from './format.js';
import { JobOutput } from './output.js';

const ESC = '\x1b';
const DIM = `${ESC}[2m`;
const GREEN = `${ESC}[32m`;
const RED = `${ESC}[31m`;
const RESET = `${ESC}[0m`;
const CTRL_C = '\x03';

/** A line for a terminal: it needs `\r\n`; a lone `\r` (progress bars) is kept, so they redraw in place. */
export const terminalLine = (text: string): string => `${text.replace(/\r?\n/g, '\r\n')}\r\n`;

export interface JobLogViewDeps {
  link: Pick<BackendLink, 'current' | 'onDidChange'>;
  job: Job;
  envName: string;
  write(data: string): void;
  /** Asks the backend to cancel the job (Ctrl-C). */
  cancel(): Promise<unknown>;
  /**
   * The job ended and every line was written: returns a line to add (where its traceback points,
   * as `file:line` the terminal links), or undefined.
   */
  ended?(job: Job, output: JobOutput): string | undefined;
}

/**
 * What a job's terminal shows: a header, the log (stored lines, then live ones, colours kept), and
 * a last line with the outcome. Ctrl-C cancels the job. Free of the editor API: the glue hands it a
 * `write` and feeds it the terminal's input.
 */
export class JobLogView {
  private follower: JobLogFollower | undefined;
  private readonly output = new JobOutput();
  private cancelling = false;
  private finished: Job | undefined;

  constructor(private readonly deps: JobLogViewDeps) {}

  get job(): Job {
    return this.finished ?? this.deps.job;
  }

  get done(): boolean {
    return this.finished !== undefined;
  }

  open(): void {
    const { job, envName, write } = this.deps;
    write(terminalLine(`${DIM}Job ${job.id} · ${commandText(job.command)} · in ${envName}${RESET}`));
    this.follower = new JobLogFollower(this.deps.link, job.id, {
      line: (line) => this.line(line),
      end: (ended) => this.end(ended),
      trouble: (message) => write(terminalLine(`${DIM}[mlwb] cannot read the log right now (${message}); retrying when the connection is back${RESET}`)),
    });
  }

  input(data: string): void {
    if (!data.includes(CTRL_C) || this.finished || this.cancelling) return;
    this.cancelling = true;
    this.deps.write(terminalLine(`^C${DIM} cancelling the job…${RESET}`));
    this.deps.cancel().catch((error: unknown) => {
      this.cancelling = false;
      this.deps.write(terminalLine(`${RED}could not cancel: ${errorText(error)}${RESET}`));
    });
  }

  dispose(): void {
    this.follower?.dispose();
  }

  private line(line: FollowedLine): void {
    this.output.add(line);
    this.deps.write(terminalLine(line.stream === 'system' ? `${DIM}[mlwb] ${line.text}${RESET}` : line.text));
  }

  private end(job: Job): void {
    this.finished = job;
    const colour = job.state === 'succeeded' ? GREEN : RED;
    // A log that ended without a newline (a progress bar) must not share its line with the outcome.
    this.deps.write(`${RESET}\r\n${colour}${finalLine(job)}${RESET}\r\n`);
    const pointer = this.deps.ended?.(job, this.output);
    if (pointer) this.deps.write(terminalLine(pointer));
  }
}
