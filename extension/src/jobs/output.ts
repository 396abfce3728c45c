import type { FollowedLine } from './follower.js';

/** Lines kept per stream: a traceback is at the end of the output, and a job may print millions of lines. */
const KEEP = 3000;

/**
 * The end of a job's output, for finding its traceback: stderr alone when it holds one (stdout
 * lines printed meanwhile cannot split it), else everything (a driver that merges the streams).
 */
export class JobOutput {
  private readonly stderr: string[] = [];
  private readonly all: string[] = [];

  add(line: Pick<FollowedLine, 'stream' | 'text'>): void {
    if (line.stream === 'system') return;
    push(this.all, line.text);
    if (line.stream === 'stderr') push(this.stderr, line.text);
  }

  /** The texts to look for a traceback in, most specific first. */
  texts(): string[] {
    return this.stderr.length ? [this.stderr.join('\n'), this.all.join('\n')] : [this.all.join('\n')];
  }
}

function push(lines: string[], text: string): void {
  lines.push(text);
  if (lines.length > KEEP) lines.splice(0, lines.length - KEEP);
}
