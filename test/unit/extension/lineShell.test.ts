import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../../backend/src/protocol/index.js';
import { LineShell, shellCommand } from '../../../extension/src/environments/shell.js';
import { deferred } from '../../fixtures/extension/environments.js';

const ok = (stdout: string, extra: Partial<ExecResult> = {}): ExecResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false, truncated: false, ...extra });
const strip = (text: string): string => text.split('\x1b').map((part, i) => (i ? part.replace(/^\[[0-9;]*m/, '') : part)).join('');

function shell(run: (line: string) => Promise<ExecResult>) {
  const out: string[] = [];
  const ran: string[] = [];
  let closed = false;
  const sh = new LineShell('box', {
    run: (line) => (ran.push(line), run(line)),
    write: (t) => out.push(t),
    close: () => (closed = true),
    describeError: (e) => (e instanceof Error ? e.message : String(e)),
  });
  sh.open();
  return { sh, ran, text: () => strip(out.join('')), closed: () => closed };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LineShell', () => {
  it('echoes typing, edits with backspace, runs the line on Enter and prints stdout with CRLF', async () => {
    const s = shell(async () => ok('a\nb\n'));
    s.sh.input('lsx\x7f -l\r');
    await settle();
    expect(s.ran).toEqual(['ls -l']);
    expect(s.text()).toContain('$ lsx\b \b -l\r\na\r\nb\r\n$ ');
  });

  it('prints stderr, and a non-zero exit, a timeout and a cut output as a note', async () => {
    const s = shell(async () => ok('', { stderr: 'boom', exitCode: 2, timedOut: true, truncated: true }));
    s.sh.input('false\r');
    await settle();
    expect(s.text()).toContain('boom\r\n[timed out, output cut at 1 MiB per stream, exit 2]\r\n$ ');
  });

  it('runs lines typed or pasted meanwhile after the running one, in order', async () => {
    const first = deferred<ExecResult>();
    const s = shell((line) => (line === 'sleep 1' ? first.promise : Promise.resolve(ok(`${line}!\n`))));
    s.sh.input('sleep 1\r');
    s.sh.input('echo a\recho b\r');
    expect(s.ran).toEqual(['sleep 1']);
    first.resolve(ok(''));
    await settle();
    await settle();
    expect(s.ran).toEqual(['sleep 1', 'echo a', 'echo b']);
    expect(s.text()).toContain('$ echo a\r\necho a!\r\n$ echo b\r\necho b!\r\n$ ');
  });

  it('shows a failed call in red and goes on', async () => {
    const s = shell(async () => {
      throw new Error('the environment is stopped, not running');
    });
    s.sh.input('ls\r');
    await settle();
    expect(s.text()).toContain('the environment is stopped, not running\r\n$ ');
  });

  it('closes on "exit" and on Ctrl+D at an empty line; Ctrl+C drops the line; arrow keys are ignored', async () => {
    const s = shell(async () => ok(''));
    s.sh.input('abc\x03');
    expect(s.text()).toContain('abc^C\r\n$ ');
    s.sh.input('\x1b[A\x1b[B');
    s.sh.input('x\x04');
    expect(s.closed()).toBe(false);
    s.sh.input('\x7f\x04');
    expect(s.closed()).toBe(true);
    expect(s.ran).toEqual([]);

    const t = shell(async () => ok(''));
    t.sh.input('exit\r');
    await settle();
    expect(t.closed()).toBe(true);
    expect(t.ran).toEqual([]);
  });

  it('runs a line through the environment\'s shell', () => {
    expect(shellCommand('ls | wc -l')).toEqual(['sh', '-c', 'ls | wc -l']);
    expect(shellCommand('dir', true)).toEqual(['cmd.exe', '/d', '/s', '/c', 'dir']);
  });
});
