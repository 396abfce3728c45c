import { contentOf, parentId, type ContentOf, type KernelMessage } from './messages.js';
import { bundleItems, errorItem, errorOutput, streamItem, type OutputItem } from './outputs.js';

/** One output of a cell; `id` lets the sink find it again when it grows (streams) or is updated (display ids). */
export interface CellOutput {
  id: number;
  items: OutputItem[];
}

/** Where a run's outputs go: the VS Code cell execution, or a test's list. */
export interface CellSink {
  add(output: CellOutput): void;
  /** The output with this id now holds these items. */
  update(output: CellOutput): void;
  clear(): void;
}

/** The exception a cell raised, as the kernel's `error` message told it. */
export type KernelError = ContentOf<'error'>;

/** How a run ended; `executionCount` is the kernel's number for it (absent when it never ran). */
export interface CellEnd {
  success: boolean;
  executionCount?: number;
  /** The last exception the kernel reported for the run (a failed cell's traceback). */
  error?: KernelError;
}

interface Stream {
  id: number;
  name: 'stdout' | 'stderr';
  text: string;
}

/**
 * One `execute_request` from sending to its end, fed the kernel's messages: the outputs its iopub
 * messages describe go to the sink as they come; it ends when both its `execute_reply` and the
 * kernel's return to idle have arrived (the reply may overtake the last outputs, the idle never does).
 */
export class CellRun {
  readonly done: Promise<CellEnd>;
  private resolve!: (end: CellEnd) => void;
  private nextId = 0;
  private ids: number[] = [];
  private lastStream: Stream | undefined;
  private clearPending = false;
  private readonly displays = new Map<string, number>();
  private reply: CellEnd | undefined;
  private idle = false;
  private ended = false;
  private failed = false;
  private kernelError: KernelError | undefined;

  constructor(
    readonly msgId: string,
    private readonly sink: CellSink,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Whether it was ended from outside (`fail`), not by the kernel. */
  get cutOff(): boolean {
    return this.failed;
  }

  /** Takes a message if it answers this run; returns whether it did. */
  handle(message: KernelMessage): boolean {
    if (this.ended || parentId(message) !== this.msgId) return false;
    if (message.channel === 'shell') this.onShell(message);
    else if (message.channel === 'iopub') this.onIopub(message);
    if (this.reply && this.idle) this.end(this.reply);
    return true;
  }

  /** Ends the run with an error output of ours (the environment stopped, the kernel died…). */
  fail(name: string, message: string): void {
    if (this.ended) return;
    this.failed = true;
    this.addError(name, message);
    this.end({ success: false, executionCount: this.reply?.executionCount });
  }

  /** Adds an error output of ours; still allowed after the end, until the caller closes the cell. */
  addError(name: string, message: string): void {
    this.add([errorOutput(name, message)]);
  }

  private onShell(message: KernelMessage): void {
    const reply = contentOf(message, 'execute_reply');
    if (reply) this.reply = { success: reply.status === 'ok', executionCount: reply.execution_count ?? undefined };
  }

  private onIopub(message: KernelMessage): void {
    const status = contentOf(message, 'status');
    if (status) {
      if (status.execution_state === 'idle') this.idle = true;
      return;
    }
    const stream = contentOf(message, 'stream');
    if (stream) return this.appendStream(stream.name, stream.text);
    const result = contentOf(message, 'execute_result') ?? contentOf(message, 'display_data');
    if (result) {
      const id = this.add(bundleItems(result.data));
      const displayId = 'transient' in result ? result.transient?.display_id : undefined;
      if (displayId) this.displays.set(displayId, id);
      return;
    }
    const update = contentOf(message, 'update_display_data');
    if (update) return this.updateDisplay(update.transient.display_id, update.data);
    const error = contentOf(message, 'error');
    if (error) {
      this.kernelError = error;
      this.add([errorItem(error)]);
      return;
    }
    const clear = contentOf(message, 'clear_output');
    if (clear) {
      if (clear.wait) this.clearPending = true;
      else this.clearNow();
    }
  }

  private appendStream(name: 'stdout' | 'stderr', text: string): void {
    this.flushClear();
    const last = this.lastStream;
    if (last && last.name === name && this.ids.at(-1) === last.id) {
      last.text += text;
      this.sink.update({ id: last.id, items: [streamItem(name, last.text)] });
      return;
    }
    const id = this.add([streamItem(name, text)]);
    this.lastStream = { id, name, text };
  }

  private updateDisplay(displayId: string, data: Record<string, unknown>): void {
    const id = this.displays.get(displayId);
    if (id !== undefined && this.ids.includes(id)) this.sink.update({ id, items: bundleItems(data) });
  }

  private add(items: OutputItem[]): number {
    this.flushClear();
    const id = this.nextId++;
    this.ids.push(id);
    this.sink.add({ id, items });
    return id;
  }

  /** `clear_output(wait=True)` clears just before the next output, so the cell does not flicker. */
  private flushClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.clearNow();
  }

  private clearNow(): void {
    this.ids = [];
    this.lastStream = undefined;
    this.sink.clear();
  }

  private end(end: CellEnd): void {
    this.ended = true;
    this.resolve(this.kernelError ? { ...end, error: this.kernelError } : end);
  }
}
