import { describe, expect, it } from 'vitest';
import { contentOf, executeContent, parentId, parseFrame } from '../../../../extension/src/notebooks/messages.js';
import { message } from './messages.js';

describe('kernel messages', () => {
  it('parses a well-formed frame and tells which request it answers', () => {
    const frame = JSON.stringify({ ...message('iopub', 'stream', { name: 'stdout', text: 'hi' }, 'req-1'), buffers: [] });
    const parsed = parseFrame(frame)!;
    expect(parsed.channel).toBe('iopub');
    expect(parentId(parsed)).toBe('req-1');
    expect(contentOf(parsed, 'stream')).toEqual({ name: 'stdout', text: 'hi' });
  });

  it('drops frames that are not JSON, lack a header, or name an unknown channel', () => {
    expect(parseFrame('not json')).toBeUndefined();
    expect(parseFrame(JSON.stringify({ channel: 'iopub', parent_header: {}, content: {} }))).toBeUndefined();
    expect(parseFrame(JSON.stringify({ ...message('iopub', 'status', {}), channel: 'heartbeat' }))).toBeUndefined();
  });

  it('a message answering nothing has no parent (the kernel’s own status at start-up)', () => {
    expect(parentId(message('iopub', 'status', { execution_state: 'starting' }))).toBeUndefined();
  });

  it('gives the content only for its type and only when well formed', () => {
    const stream = message('iopub', 'stream', { name: 'stdout', text: 'x' });
    expect(contentOf(stream, 'error')).toBeUndefined();
    expect(contentOf(message('iopub', 'stream', { name: 'stdin', text: 'x' }), 'stream')).toBeUndefined();
    expect(contentOf(message('iopub', 'error', { ename: 'E', evalue: 'v' }), 'error')).toBeUndefined();
    expect(contentOf(message('shell', 'execute_reply', { status: 'ok', execution_count: 3 }), 'execute_reply')).toMatchObject({ status: 'ok', execution_count: 3 });
    expect(contentOf(message('iopub', 'clear_output', {}), 'clear_output')).toEqual({ wait: false });
  });

  it('asks the kernel to record history and to stop nothing queued when a cell fails', () => {
    expect(executeContent('1+1')).toEqual({ code: '1+1', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
  });
});
