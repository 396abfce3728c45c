import type { Job, JobLog, JobLogLine, JobStream } from '../../../../backend/src/protocol/index.js';
import type { FakeEvents } from '../../../fixtures/extension/environments.js';

let count = 0;
const stamp = (offsetMs = 0): string => new Date(Date.UTC(2025, 0, 1) + offsetMs).toISOString();

/** A job with plausible defaults; name only the fields a test cares about. */
export function job(overrides: Partial<Job> = {}): Job {
  count += 1;
  return {
    id: `job_${String(count).padStart(8, '0')}`,
    envId: 'env_00000001',
    command: ['python3', 'train.py'],
    cwd: '/home/mlwb/work/ws',
    state: 'running',
    exitCode: null,
    reason: null,
    createdAt: stamp(count * 1000),
    startedAt: stamp(count * 1000),
    endedAt: null,
    peakMemoryMiB: null,
    logLines: 0,
    workspaceRoot: '/home/mlwb/work/ws',
    ...overrides,
  };
}

/** A job's stored log as the backend keeps it, answering `jobLog` like the route does. */
export class StoredLog {
  readonly lines: JobLogLine[] = [];
  complete = false;

  add(text: string, stream: JobStream = 'stdout'): JobLogLine {
    const line = { seq: this.lines.length + 1, stream, text, at: stamp(this.lines.length) };
    this.lines.push(line);
    return line;
  }

  answer(from = 1, limit = 1000): JobLog {
    const lines = this.lines.slice(from - 1, from - 1 + limit);
    const next = from + lines.length;
    return { lines, next, complete: this.complete && next > this.lines.length };
  }

  /** Stores a line and publishes it on the job's log topic, as the backend does. */
  publish(events: FakeEvents, jobId: string, text: string, stream: JobStream = 'stdout'): JobLogLine {
    const line = this.add(text, stream);
    events.emit(`logs:${jobId}`, { kind: 'log', stream, line: text, seq: line.seq });
    return line;
  }
}

export function emitJob(events: FakeEvents, value: Job, kind: 'created' | 'changed' = 'changed'): void {
  events.emit('jobs', { kind: `resource.${kind}`, resource: 'job', resourceId: value.id, data: value });
}
