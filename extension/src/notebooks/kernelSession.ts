import { randomUUID } from 'node:crypto';
import { CellRun, type CellEnd, type CellSink } from './cellRun.js';
import { JupyterRest, type JupyterTarget } from './jupyterRest.js';
import { KernelSocket } from './kernelSocket.js';
import { contentOf, executeContent, parentId } from './messages.js';

export interface KernelSessionOptions {
  target: JupyterTarget;
  /** The notebook's path relative to the Jupyter root (the kernel starts in its folder). */
  path: string;
  /**
   * Runs before a kernel starts and before it restarts: brings the environment's copy of the
   * notebook's workspace up to date, so the kernel imports and reads the files as they are now.
   * It reports its own failures; a kernel starts either way.
   */
  beforeStart?: () => Promise<void>;
  /** The environment's name, for messages. */
  envName: string;
  /** Whether the environment is still running: tells a stopped environment from a dropped connection. */
  environmentRunning(): Promise<boolean>;
  kernelName?: string;
  /** How long a cell may go without any answer before we check that its kernel still exists (default 10 s). */
  firstAnswerMs?: number;
}

/** Names of the errors a cell ends with when the run is cut off from outside the kernel. */
export const CUT_OFF = 'EnvironmentStopped';
export const CONNECTION_LOST = 'ConnectionLost';
export const KERNEL_RESTARTED = 'KernelRestarted';
export const KERNEL_GONE = 'KernelGone';

/**
 * The kernel of one notebook in one environment: a Jupyter session created on the first execution,
 * cells executed one at a time in call order, interrupt, restart, shutdown. When the socket drops
 * under a running cell the cell ends with an error saying why (the environment stopped, or the
 * connection was lost) instead of hanging; the next cell reconnects, and starts a new kernel if the
 * old one is gone (the environment restarted).
 */
export class KernelSession {
  private readonly rest: JupyterRest;
  private sessionId: string | undefined;
  private kernelId: string | undefined;
  private socket: KernelSocket | undefined;
  private connecting: Promise<KernelSocket> | undefined;
  private running: CellRun | undefined;
  /** Executions wait for this chain, so cells run in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped by interrupt/restart/shutdown: executions queued before it are dropped. */
  private epoch = 0;
  private disposed = false;

  constructor(private readonly options: KernelSessionOptions) {
    this.rest = new JupyterRest(options.target);
  }

  get started(): boolean {
    return this.kernelId !== undefined;
  }

  /**
   * Runs `code` after the cells asked for before it. Resolves with how it ended; `undefined` when
   * it never ran (an interrupt, restart or shutdown dropped it from the queue).
   */
  execute(code: string, sink: CellSink): Promise<CellEnd | undefined> {
    const epoch = this.epoch;
    const result = this.queue.then(() => (epoch === this.epoch && !this.disposed ? this.run(code, sink) : undefined));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Interrupts the running cell (it ends with KeyboardInterrupt) and drops the queued ones. */
  async interrupt(): Promise<void> {
    this.epoch += 1;
    if (this.kernelId) await this.rest.interrupt(this.kernelId);
  }

  /** Restarts the kernel: variables are gone and execution counts start again at 1. */
  async restart(): Promise<void> {
    this.epoch += 1;
    if (!this.kernelId) return;
    this.running?.fail(KERNEL_RESTARTED, 'The kernel was restarted while this cell was running.');
    await this.options.beforeStart?.();
    await this.rest.restart(this.kernelId);
    // The restarted kernel's iopub may miss its first messages on the old channels (ZMQ's slow
    // joiner), and a cell would then wait for an idle that was lost: the next cell opens new
    // channels and waits for kernel_info on both, as on first use.
    this.dropSocket();
  }

  /** The environment stopped (or went away): ends the running cell with a message that says so. */
  environmentStopped(): void {
    this.epoch += 1;
    this.running?.fail(CUT_OFF, this.stoppedMessage());
    this.dropSocket();
    this.sessionId = undefined;
    this.kernelId = undefined;
  }

  /** Shuts the kernel down (the notebook closed). */
  async shutdown(): Promise<void> {
    this.disposed = true;
    this.epoch += 1;
    this.running?.fail(KERNEL_RESTARTED, 'The notebook was closed while this cell was running.');
    this.dropSocket();
    const sessionId = this.sessionId;
    this.sessionId = undefined;
    this.kernelId = undefined;
    try {
      if (sessionId) await this.rest.deleteSession(sessionId);
    } finally {
      await this.rest.close();
    }
  }

  private stoppedMessage(): string {
    return `The environment ${this.options.envName} stopped while this cell was running.`;
  }

  private async run(code: string, sink: CellSink): Promise<CellEnd> {
    const socket = await this.connect();
    const run = new CellRun(socket.request('execute_request', executeContent(code)), sink);
    this.running = run;
    // A kernel shut down from elsewhere (its session deleted) leaves our socket open and silent
    // (jupyter_server 1.x drops what we send): without an answer in time, ask whether it still exists.
    const watchdog = setTimeout(() => void this.checkKernel(run), this.options.firstAnswerMs ?? 10_000);
    const offMessage = socket.onMessage((message) => {
      if (run.handle(message)) {
        clearTimeout(watchdog);
        return;
      }
      // the kernel died or restarted on its own (a crash, an out-of-memory kill): the cell's result is lost
      const status = parentId(message) === undefined ? contentOf(message, 'status') : undefined;
      if (status?.execution_state === 'restarting' || status?.execution_state === 'dead') {
        run.fail(KERNEL_RESTARTED, 'The kernel died while this cell was running (out of memory?) and was restarted.');
      }
    });
    const offClose = socket.onClose(() => void this.lost(run));
    try {
      const end = await run.done;
      // Stopping an environment signals its processes first: the cell may end with a KeyboardInterrupt
      // (or another error) before the socket drops. Say what really happened.
      if (!end.success && !run.cutOff && !(await this.stillRunning())) run.addError(CUT_OFF, this.stoppedMessage());
      return end;
    } finally {
      clearTimeout(watchdog);
      offMessage();
      offClose();
      if (this.running === run) this.running = undefined;
    }
  }

  /** The socket closed under a running cell: the environment stopped, or the connection dropped. */
  private async lost(run: CellRun): Promise<void> {
    if (await this.stillRunning()) run.fail(CONNECTION_LOST, `The connection to the kernel in ${this.options.envName} was lost while this cell was running; its result is unknown.`);
    else run.fail(CUT_OFF, this.stoppedMessage());
  }

  /** Ends the run if its kernel no longer exists; the next cell starts a new kernel. */
  private async checkKernel(run: CellRun): Promise<void> {
    const kernelId = this.kernelId;
    if (run.finished || !kernelId) return;
    const exists = await this.rest.kernelExists(kernelId).catch(() => true); // unreachable: the socket's close tells
    if (exists || run.finished) return;
    this.dropSocket();
    if (this.kernelId === kernelId) {
      this.kernelId = undefined;
      this.sessionId = undefined;
    }
    run.fail(KERNEL_GONE, `The kernel in ${this.options.envName} was shut down from elsewhere; run the cell again to start a new one.`);
  }

  /** Whether the environment runs; an unanswered question counts as no (the backend went away too). */
  private async stillRunning(): Promise<boolean> {
    try {
      return await this.options.environmentRunning();
    } catch {
      return false;
    }
  }

  private connect(): Promise<KernelSocket> {
    if (this.socket?.isOpen) return Promise.resolve(this.socket);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<KernelSocket> {
    if (!this.kernelId || !(await this.rest.kernelExists(this.kernelId))) {
      await this.options.beforeStart?.();
      // Jupyter hands out the existing session for a path it knows (jupyter_server 1.x), so two
      // editors of one notebook would share, and shut down, one kernel: each of ours gets its own
      // path. The kernel's working directory is still the notebook's folder (Jupyter walks up to a folder that exists).
      const session = await this.rest.createSession(`${this.options.path}#${randomUUID().slice(0, 8)}`, this.options.kernelName ?? 'python3');
      this.sessionId = session.id;
      this.kernelId = session.kernel.id;
    }
    const kernelId = this.kernelId;
    const socket = await KernelSocket.open(this.options.target, (session) => this.rest.channelsUrl(kernelId, session));
    if (this.disposed) {
      socket.close();
      throw new Error('the notebook was closed');
    }
    this.socket = socket;
    return socket;
  }

  private dropSocket(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
