import { describe, expect, it } from 'vitest';
import { CellRun, type CellOutput, type CellSink } from '../../../../extension/src/notebooks/cellRun.js';
import { ERROR_MIME } from '../../../../extension/src/notebooks/outputs.js';
import { message } from './messages.js';

/** The outputs a cell would show, as (mime, text) pairs per output. */
class ListSink implements CellSink {
  outputs: CellOutput[] = [];
  add(output: CellOutput): void {
    this.outputs.push(output);
  }
  update(output: CellOutput): void {
    this.outputs = this.outputs.map((o) => (o.id === output.id ? output : o));
  }
  clear(): void {
    this.outputs = [];
  }
  get shown(): [string, string][][] {
    return this.outputs.map((o) => o.items.map((i) => [i.mime, new TextDecoder().decode(i.data)]));
  }
}

const ID = 'req-1';
const iopub = (type: string, content: Record<string, unknown>, parent = ID) => message('iopub', type, content, parent);
const reply = (status: string, count: number) => message('shell', 'execute_reply', { status, execution_count: count }, ID);
const idle = () => iopub('status', { execution_state: 'idle' });

function start(): { run: CellRun; sink: ListSink } {
  const sink = new ListSink();
  return { run: new CellRun(ID, sink), sink };
}

describe('a cell run', () => {
  it('ends when both the reply and the return to idle arrived, whichever comes first', async () => {
    const a = start();
    a.run.handle(reply('ok', 3));
    expect(a.run.finished).toBe(false);
    a.run.handle(iopub('stream', { name: 'stdout', text: 'late output\n' }));
    a.run.handle(idle());
    expect(await a.run.done).toEqual({ success: true, executionCount: 3 });
    expect(a.sink.shown).toEqual([[['application/vnd.code.notebook.stdout', 'late output\n']]]);

    const b = start();
    b.run.handle(idle());
    expect(b.run.finished).toBe(false);
    b.run.handle(reply('error', 4));
    expect(await b.run.done).toEqual({ success: false, executionCount: 4 });
  });

  it('ignores messages answering other requests and takes nothing after its end', () => {
    const { run, sink } = start();
    expect(run.handle(iopub('stream', { name: 'stdout', text: 'other' }, 'req-2'))).toBe(false);
    expect(run.handle(iopub('status', { execution_state: 'busy' }))).toBe(true);
    run.handle(reply('ok', 1));
    run.handle(idle());
    expect(run.handle(iopub('stream', { name: 'stdout', text: 'after' }))).toBe(false);
    expect(sink.outputs).toEqual([]);
  });

  it('grows the last output while the same stream goes on, and starts a new one after anything else', () => {
    const { run, sink } = start();
    run.handle(iopub('stream', { name: 'stdout', text: 'a' }));
    run.handle(iopub('stream', { name: 'stdout', text: 'b' }));
    run.handle(iopub('stream', { name: 'stderr', text: 'c' }));
    run.handle(iopub('display_data', { data: { 'text/plain': 'shown' }, metadata: {} }));
    run.handle(iopub('stream', { name: 'stderr', text: 'd' }));
    expect(sink.shown).toEqual([
      [['application/vnd.code.notebook.stdout', 'ab']],
      [['application/vnd.code.notebook.stderr', 'c']],
      [['text/plain', 'shown']],
      [['application/vnd.code.notebook.stderr', 'd']],
    ]);
  });

  it('clears at once, or just before the next output when asked to wait', () => {
    const { run, sink } = start();
    run.handle(iopub('stream', { name: 'stdout', text: '10%' }));
    run.handle(iopub('clear_output', { wait: true }));
    expect(sink.shown).toHaveLength(1);
    run.handle(iopub('stream', { name: 'stdout', text: '20%' }));
    expect(sink.shown).toEqual([[['application/vnd.code.notebook.stdout', '20%']]]);
    run.handle(iopub('clear_output', { wait: false }));
    expect(sink.shown).toEqual([]);
  });

  it('updates an output shown with a display id', () => {
    const { run, sink } = start();
    run.handle(iopub('display_data', { data: { 'text/plain': 'step 1' }, metadata: {}, transient: { display_id: 'progress' } }));
    run.handle(iopub('update_display_data', { data: { 'text/plain': 'step 2' }, metadata: {}, transient: { display_id: 'progress' } }));
    run.handle(iopub('update_display_data', { data: { 'text/plain': 'unknown' }, metadata: {}, transient: { display_id: 'other' } }));
    expect(sink.shown).toEqual([[['text/plain', 'step 2']]]);
  });

  it('shows the kernel’s error and the execute result, and ends with the error (for the Problems panel)', async () => {
    const { run, sink } = start();
    run.handle(iopub('execute_result', { execution_count: 2, data: { 'text/plain': '2' }, metadata: {} }));
    run.handle(iopub('error', { ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['tb'] }));
    run.handle(reply('error', 2));
    run.handle(idle());
    expect(await run.done).toEqual({ success: false, executionCount: 2, error: { ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['tb'] } });
    expect(sink.shown[0]).toEqual([['text/plain', '2']]);
    expect(sink.shown[1]![0]![0]).toBe(ERROR_MIME);
  });

  it('can be cut off from outside with an error of ours; the first end wins', async () => {
    const { run, sink } = start();
    run.handle(reply('ok', 7));
    run.fail('EnvironmentStopped', 'The environment a stopped while this cell was running.');
    run.fail('Other', 'ignored');
    run.handle(idle());
    expect(await run.done).toEqual({ success: false, executionCount: 7 });
    expect(run.cutOff).toBe(true);
    expect(sink.shown).toEqual([[[ERROR_MIME, JSON.stringify({ name: 'EnvironmentStopped', message: 'The environment a stopped while this cell was running.', stack: '' })]]]);
  });
});
