import { describe, expect, it } from 'vitest';
import type { JobState } from '../../../../backend/src/protocol/index.js';
import { DebugRun } from '../../../../extension/src/debug/session.js';

function setup(initial: JobState = 'running') {
  let state: JobState | undefined = initial;
  const listeners = new Set<() => void>();
  const calls: string[] = [];
  const run = new DebugRun({
    jobState: () => state,
    onJobChange: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
    cancelJob: async () => calls.push('cancel'),
    stopSession: async () => calls.push('stop session'),
    closeTunnel: async () => void calls.push('close tunnel'),
  });
  const setState = (next: JobState): void => {
    state = next;
    listeners.forEach((fn) => fn());
  };
  return { run, calls, setState, listeners };
}

describe('DebugRun', () => {
  it('stops the session and closes the tunnel when the job ends, once', async () => {
    const s = setup();
    s.run.sessionStarted();
    s.setState('succeeded');
    s.setState('succeeded');
    await Promise.resolve();
    expect(s.calls).toEqual(['stop session', 'close tunnel']);
    expect(s.run.jobEnded.aborted).toBe(true);
    expect(s.listeners.size).toBe(0);
    await s.run.sessionEnded(); // the session's own end comes after: nothing more to do
    expect(s.calls).toEqual(['stop session', 'close tunnel']);
  });

  it('cancels a running job when the user stops the session', async () => {
    const s = setup();
    s.run.sessionStarted();
    await s.run.sessionEnded();
    expect(s.calls).toEqual(['cancel', 'close tunnel']);
  });

  it('aborts the wait for debugpy when the job fails before the debugger attached', () => {
    const s = setup('queued');
    expect(s.run.jobEnded.aborted).toBe(false);
    s.setState('failed');
    expect(s.run.jobEnded.aborted).toBe(true);
    expect((s.run.jobEnded.reason as Error).message).toContain('the job ended (failed)');
    expect(s.calls).toEqual(['close tunnel']); // no session to stop
  });

  it('cancels the job when abandoned before the session started', async () => {
    const s = setup();
    await s.run.abandon();
    expect(s.calls).toEqual(['cancel', 'close tunnel']);
  });
});
