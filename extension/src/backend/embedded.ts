import { execFile, spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Driver } from '../../../backend/src/protocol/index.js';
import { isReady, parseAnnouncement, type Announcement } from './readyLine.js';

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
  /** How long a stopping server may take to shut down gracefully before it is killed (with its children). */
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

/**
 * The command line of the embedded server: loopback only, a free port, the ready announcement, and
 * a stop when its stdin (a pipe from this process) closes.
 */
export function serverArgs(options: Pick<EmbeddedOptions, 'cliPath' | 'dataDir' | 'driver'>): string[] {
  return [options.cliPath, 'server', '--host', '127.0.0.1', '--port', '0', '--data-dir', options.dataDir, '--driver', options.driver, '--ready-json', '--stop-on-stdin-end'];
}

function onLines(stream: Readable | null, fn: (line: string) => void): void {
  if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', fn);
}

/**
 * The backend as a child process of the extension: started once, announced ready by its JSON line
 * (or told that another backend owns the data directory), stopped gracefully (its stdin closed,
 * then killed with its children) and never left behind.
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

  /**
   * Spawns the server and resolves once it announces itself: with its URL once it listens, or with
   * the owner of the data directory when another backend has it (this process then exits on its own).
   * Rejects with an EmbeddedStartError.
   */
  start(): Promise<Announcement> {
    if (this.child) throw new Error('the embedded backend was already started');
    const { node, token, env = process.env, spawn = nodeSpawn } = this.options;
    const child = spawn(node, serverArgs(this.options), {
      env: { ...env, MLWB_ADMIN_TOKEN: token },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      // The server stops when its stdin closes (--stop-on-stdin-end), and the only writer of that pipe
      // is this process: however the extension host ends (deactivate, a crash, SIGKILL), the pipe
      // closes and the server shuts down gracefully. That makes its own process group the better
      // place: a signal sent to the editor's group (a launcher stopping code-server, Ctrl-C in its
      // terminal) would otherwise reach the server too, and the closing pipe right after it would
      // count as a second stop, which the server takes as "exit now" without finishing requests. As a
      // group leader it can also be killed together with its children when it does not stop in time.
      detached: true,
    });
    this.child = child;
    // Writing to, or ending, the pipe of a server that already exited fails with EPIPE: nothing to do then.
    child.stdin?.on('error', () => undefined);
    // A failed spawn emits 'error' and maybe never 'exit': either one means the process is gone.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => {
        if (child.pid === undefined) resolve();
      });
    });
    return new Promise((resolve, reject) => this.watchStart(child, resolve, reject));
  }

  private watchStart(child: ChildProcess, resolve: (announced: Announcement) => void, reject: (e: EmbeddedStartError) => void): void {
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
      const announced = settled ? undefined : parseAnnouncement(line);
      if (announced) {
        ready = isReady(announced);
        settled = true;
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
      // Settled but not ready: it said another backend owns the data directory, and exits as it should.
      if (settled) return;
      // Let the pipes drain first: the reason for an early exit is in the last stderr lines.
      void drained(child).then(() =>
        fail(new EmbeddedStartError('exited', `the backend exited before it was ready (${describeExit(code, signal)})`, tail)),
      );
    });
  }

  /**
   * Idempotent; resolves once the process is gone. The stop request is closing its stdin, which
   * works alike on every platform (Windows has no SIGTERM) and happens only once however often this
   * is called: the server takes a second stop request as "exit now, without finishing requests".
   */
  stop(): Promise<void> {
    if (!this.child || !this.running) return this.exited;
    this.stopping ??= this.terminate(this.child);
    return this.stopping;
  }

  private async terminate(child: ChildProcess): Promise<void> {
    child.stdin?.end();
    const killer = setTimeout(() => killTree(child), this.options.stopTimeoutMs ?? 5_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** Kills the server and whatever it started: its process group (it leads one, see `detached`), or its tree on Windows. */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => child.kill('SIGKILL'));
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
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
