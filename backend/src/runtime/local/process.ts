import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ExecResult } from '../../protocol/index.js';
import { descendants, ProcFs } from './proc.js';
import type { Env } from './spec.js';

/** A helper process to run to completion: no shell, an argument array, its own environment. */
export interface ToolCommand {
  file: string;
  args: string[];
  cwd: string;
  env: Env;
}

/**
 * Runs a helper (venv creation, pip, the import check) and streams its output a line at a time
 * (stdout and stderr alike); resolves with the exit code (null when a signal ended it). Injectable,
 * so tests can watch the commands the driver builds and play an installer's failure.
 */
export type ToolRunner = (command: ToolCommand, onLine: (line: string) => void, signal: AbortSignal) => Promise<number | null>;

const procfs = new ProcFs();

/** Whether the process lives and is the one we started (Linux compares the start time; a zombie counts as gone). */
export function isAlive(pid: number, processStart: string | null, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'linux') {
    const stat = procfs.stat(pid);
    return !!stat && stat.state !== 'Z' && (processStart === null || stat.starttime === processStart);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const processStartOf = (pid: number, platform: NodeJS.Platform = process.platform): string | null =>
  platform === 'linux' ? (procfs.stat(pid)?.starttime ?? null) : null;

/** Sends a signal to a pid (or a process group, negative) that may be gone already. */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Windows has no process groups or signals: taskkill walks the tree by parent ids. */
function taskkill(pid: number): Promise<void> {
  return new Promise((resolve) => execFile('taskkill', ['/T', '/F', '/PID', String(pid)], { windowsHide: true }, () => resolve()));
}

/**
 * Kills a process and everything below it: its process group (it was started detached, as a group
 * leader) and, on Linux, every descendant found in /proc (kernels start sessions of their own).
 */
export async function killTree(pid: number, signal: NodeJS.Signals, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return taskkill(pid);
  const below = platform === 'linux' ? descendants(procfs.table(), pid) : [];
  sendSignal(-pid, signal);
  for (const child of below) sendSignal(child, signal);
}

function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk.toString('utf8')).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const part of parts) onLine(part);
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

/** A command with piped output, in its own process group (so it can be killed as a tree), no shell. */
function spawnPiped(command: ToolCommand) {
  return spawn(command.file, command.args, {
    cwd: command.cwd,
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
}

export const runTool: ToolRunner = (command, onLine, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    const child = spawnPiped(command);
    const out = lineSplitter(onLine);
    const err = lineSplitter(onLine);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const onAbort = (): void => void (child.pid && killTree(child.pid, 'SIGKILL'));
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => (signal.removeEventListener('abort', onAbort), reject(e)));
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      if (signal.aborted) reject(new Error('cancelled'));
      else resolve(code);
    });
  });

/** Collects one output stream up to a cap, cutting at a byte boundary and decoding once at the end. */
function cappedSink(cap: number): { push(chunk: Buffer): void; text(): string; truncated: boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = {
    truncated: false,
    push(chunk: Buffer) {
      if (size >= cap) return void (sink.truncated = true);
      const part = chunk.subarray(0, cap - size);
      if (part.length < chunk.length) sink.truncated = true;
      chunks.push(part);
      size += part.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
  return sink;
}

/** How long output may still arrive after the command exited (a background child can hold the pipes open). */
const DRAIN_MS = 300;

/**
 * Runs a command with a timeout and capped output. On timeout the whole tree is killed and the
 * exit code is null; a command that cannot be started answers 127 like a shell would.
 */
export function execCapped(command: ToolCommand, timeoutMs: number, cap: number, onSpawn: (pid: number) => void): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawnPiped(command);
    const stdout = cappedSink(cap);
    const stderr = cappedSink(cap);
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let timedOut = false;
    let settled = false;
    const finish = (exitCode: number | null, extraErr = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode: timedOut ? null : exitCode, stdout: stdout.text(), stderr: stderr.text() + extraErr, timedOut, truncated: stdout.truncated || stderr.truncated });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) void killTree(child.pid, 'SIGKILL');
    }, timeoutMs);
    if (child.pid) onSpawn(child.pid);
    child.on('error', (err) => finish(127, `${command.file}: ${err.message}\n`));
    child.on('exit', (code, signal) => {
      // shell convention: killed by signal N exits with 128 + N
      const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
      child.on('close', () => finish(exitCode));
      setTimeout(() => finish(exitCode), DRAIN_MS).unref();
    });
  });
}
