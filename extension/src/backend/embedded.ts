import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Driver } from '../../../backend/src/protocol/index.js';
import { parseReadyLine, type ReadyLine } from './readyLine.js';

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface EmbeddedOptions {
  /** The Node.js executable that runs the backend (its native modules are built for Node's ABI). */
  node: string;
  /** The bundled CLI, `<extension>/dist/backend/cli.js`. */
  cliPath: string;
  dataDir: string;
  driver: Driver;
  /** The admin token the server accepts, handed over in the environment (never on the command line, where `ps` shows it). */
  token: string;
  readyTimeoutMs?: number;
  /** How long a stopping server may take to shut down gracefully before it is killed. */
  stopTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnFn;
}

export interface EmbeddedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when `stop()` asked for it. */
  expected: boolean;
}

export interface EmbeddedListeners {
  line?(text: string, stream: 'stdout' | 'stderr'): void;
  /** The server ended after it had become ready. */
  exit?(exit: EmbeddedExit): void;
}

export type EmbeddedStartFailure = 'spawn' | 'exited' | 'timeout';

export class EmbeddedStartError extends Error {
  constructor(
    readonly reason: EmbeddedStartFailure,
    message: string,
    /** The last lines the server wrote to stderr: usually the cause. */
    readonly stderrTail: readonly string[] = [],
  ) {
    super(message);
    this.name = 'EmbeddedStartError';
  }
}

const STDERR_TAIL = 20;

/** The command line of the embedded server: loopback only, a free port, and the ready announcement. */
export function serverArgs(options: Pick<EmbeddedOptions, 'cliPath' | 'dataDir' | 'driver'>): string[] {
  return [options.cliPath, 'server', '--host', '127.0.0.1', '--port', '0', '--data-dir', options.dataDir, '--driver', options.driver, '--ready-json'];
}

function onLines(stream: Readable | null, fn: (line: string) => void): void {
  if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', fn);
}

/**
 * The backend as a child process of the extension: started once, announced ready by its JSON line,
 * stopped gracefully (SIGTERM, then killed) and never left behind.
 */
export class EmbeddedBackend {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly options: EmbeddedOptions,
    private readonly listeners: EmbeddedListeners = {},
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** Spawns the server and resolves with its URL once it listens; rejects with an EmbeddedStartError. */
  start(): Promise<ReadyLine> {
    if (this.child) throw new Error('the embedded backend was already started');
    const { node, token, env = process.env, spawn = nodeSpawn } = this.options;
    const child = spawn(node, serverArgs(this.options), {
      env: { ...env, MLWB_ADMIN_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // Not detached: the server stays in the editor's process group, so whatever stops the editor's
      // group (a launcher, a terminal's Ctrl-C) stops it too, even when the extension host is killed
      // before deactivate() runs. The server stops its own children on SIGTERM.
    });
    this.child = child;
    // A failed spawn emits 'error' and maybe never 'exit': either one means the process is gone.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => {
        if (child.pid === undefined) resolve();
      });
    });
    return new Promise((resolve, reject) => this.watchStart(child, resolve, reject));
  }

  private watchStart(child: ChildProcess, resolve: (ready: ReadyLine) => void, reject: (e: EmbeddedStartError) => void): void {
    const tail: string[] = [];
    let ready = false;
    let settled = false;
    const fail = (error: EmbeddedStartError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timeoutMs = this.options.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      fail(new EmbeddedStartError('timeout', `the backend did not report ready within ${timeoutMs / 1000} s`, tail));
      void this.stop();
    }, timeoutMs);

    onLines(child.stdout, (line) => {
      const announced = ready ? undefined : parseReadyLine(line);
      if (announced) {
        ready = settled = true;
        clearTimeout(timer);
        resolve(announced);
      } else {
        this.listeners.line?.(line, 'stdout');
      }
    });
    onLines(child.stderr, (line) => {
      tail.push(line);
      if (tail.length > STDERR_TAIL) tail.shift();
      this.listeners.line?.(line, 'stderr');
    });
    child.once('error', (err) => fail(new EmbeddedStartError('spawn', `cannot run ${this.options.node}: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (ready) {
        this.listeners.exit?.({ code, signal, expected: this.stopping !== undefined });
        return;
      }
      // Let the pipes drain first: the reason for an early exit is in the last stderr lines.
      void drained(child).then(() =>
        fail(new EmbeddedStartError('exited', `the backend exited before it was ready (${describeExit(code, signal)})`, tail)),
      );
    });
  }

  /**
   * Idempotent; resolves once the process is gone. SIGTERM is sent once: the server takes a second
   * one as "exit now, without finishing requests".
   */
  stop(): Promise<void> {
    if (!this.child || !this.running) return this.exited;
    this.stopping ??= this.terminate(this.child);
    return this.stopping;
  }

  private async terminate(child: ChildProcess): Promise<void> {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** Waits for the child's pipes to close, but not forever: a grandchild may hold them open. */
async function drained(child: ChildProcess): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)));
  await Promise.race([once(child, 'close').catch(() => undefined), grace]);
  clearTimeout(timer);
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
}
