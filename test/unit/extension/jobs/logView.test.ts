import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../backend/src/protocol/index.js';
import { JobLogView, terminalLine } from '../../../../extension/src/jobs/logView.js';
import { fakeApi, FakeLink, flush, linkedBackend } from '../../../fixtures/extension/environments.js';
import { stripAnsi as plain } from '../../../../extension/src/environments/format.js';
import { emitJob, job, StoredLog } from './builders.js';

function view(value: Job, log: StoredLog, cancel: () => Promise<unknown> = async () => undefined) {
  const ended = { ...value, state: 'failed' as const, exitCode: 1, endedAt: value.startedAt };
  const backend = linkedBackend(fakeApi({ jobLog: ({ query }) => log.answer(Number(query?.from)), getJob: () => ended }));
  let out = '';
  const cancels: number[] = [];
  const logView = new JobLogView({
    link: new FakeLink(backend),
    job: value,
    envName: 'gpu-box',
    write: (data) => (out += data),
    cancel: () => {
      cancels.push(1);
      return cancel();
    },
    ended: (_job, output) => `see ${output.texts()[0]?.split('\n').at(-1)}`,
  });
  return { backend, logView, cancels, ended, out: () => plain(out), raw: () => out };
}

describe('terminalLine', () => {
  it('ends lines with CRLF and keeps a lone CR (progress bars redraw in place)', () => {
    expect(terminalLine('a\nb')).toBe('a\r\nb\r\n');
    expect(terminalLine('10%\r20%')).toBe('10%\r20%\r\n');
  });
});

describe('JobLogView', () => {
  it('shows a header, the log with its colours, and the outcome with what `ended` adds', async () => {
    const value = job({ id: 'job_abcdefgh', command: ['python3', 'fail.py'] });
    const log = new StoredLog();
    log.add('\x1b[32mgreen\x1b[0m');
    const v = view(value, log);
    v.logView.open();
    await flush();
    log.publish(v.backend.events, value.id, 'ValueError: boom', 'stderr');
    log.complete = true;
    emitJob(v.backend.events, { ...value, state: 'failed' });
    await flush();
    await flush();
    expect(v.raw()).toContain('\x1b[32mgreen\x1b[0m\r\n');
    expect(v.out().split('\r\n')).toEqual(['Job job_abcdefgh · python3 fail.py · in gpu-box', 'green', 'ValueError: boom', '', '✖ failed (exit 1)', 'see ValueError: boom', '']);
    expect(v.logView.done).toBe(true);
  });

  it('cancels the job on Ctrl-C, once, and says when it could not', async () => {
    const log = new StoredLog();
    let fail = true;
    const v = view(job(), log, async () => {
      if (fail) throw new Error('job not found');
    });
    v.logView.open();
    v.logView.input('x');
    v.logView.input('\x03');
    v.logView.input('\x03');
    await flush();
    expect(v.cancels).toHaveLength(1);
    expect(v.out()).toContain('could not cancel: job not found');
    fail = false;
    v.logView.input('\x03');
    expect(v.cancels).toHaveLength(2);
  });
});
