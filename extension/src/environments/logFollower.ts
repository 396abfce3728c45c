import type { LogLines } from '../../../backend/src/protocol/index.js';
import type { BackendLink, LinkedBackend } from '../backend/link.js';
import { logsTopic } from './events.js';
import { errorText, stripAnsi } from './format.js';

export type LogLine = Pick<LogLines['lines'][number], 'stream' | 'line'>;

/** How a line reads in an output channel: the backend's own messages (build steps, driver) are marked. */
export function formatLogLine({ stream, line }: LogLine): string {
  const text = stripAnsi(line);
  return stream === 'system' ? `[mlwb] ${text}` : text;
}

/**
 * The live lines that are not already at the end of the tail: lines that arrived while the tail
 * was being fetched may be in both. The longest end of `tail` that begins `live` is dropped from `live`.
 */
export function mergeTail(tail: readonly string[], live: readonly string[]): string[] {
  for (let k = Math.min(tail.length, live.length); k > 0; k -= 1) {
    const end = tail.slice(tail.length - k);
    if (end.every((line, i) => line === live[i])) return live.slice(k);
  }
  return [...live];
}

/**
 * Writes an environment's log to a sink: the last `tail` lines, then every `logs:<id>` line as it
 * comes. Follows until disposed.
 */
export class LogFollower {
  private readonly offs: (() => void)[] = [];
  private buffered: string[] | undefined = [];
  private disposed = false;

  constructor(
    private readonly backend: Pick<LinkedBackend, 'api' | 'events' | 'topics'>,
    private readonly envId: string,
    private readonly write: (line: string) => void,
    private readonly options: {
      tail?: number;
      /**
       * The reason of an environment that failed: the driver keeps no log of a build that failed
       * (there is no container), and the reason holds its output.
       */
      failure?: string | null;
    } = {},
  ) {}

  /** Resolves once the tail is written (or its failure noted); live lines follow from then on. */
  async start(): Promise<void> {
    const { events, topics, api } = this.backend;
    const topic = logsTopic(this.envId);
    this.offs.push(
      events.on('event', (event) => {
        if (event.topic !== topic || event.payload.kind !== 'log') return;
        const line = formatLogLine(event.payload);
        if (this.buffered) this.buffered.push(line);
        else this.write(line);
      }),
      events.on('reset', () => this.write('[mlwb] the connection to the backend was interrupted; some lines may be missing')),
      topics.hold(topic),
    );
    let tail: string[] = [];
    try {
      const { lines } = await api.call('environmentLogs', { params: { id: this.envId }, query: { tail: this.options.tail ?? 500 } });
      tail = lines.map(formatLogLine);
    } catch (error) {
      tail = [`[mlwb] no log to show yet (${errorText(error)})`];
    }
    if (this.disposed) return;
    const { failure } = this.options;
    if (failure) tail.push(...stripAnsi(failure).split(/\r?\n/).map((line, i) => `[mlwb] ${i ? '' : 'failed: '}${line}`));
    const live = mergeTail(tail, this.buffered ?? []);
    this.buffered = undefined;
    [...tail, ...live].forEach((line) => this.write(line));
  }

  dispose(): void {
    this.disposed = true;
    this.offs.splice(0).forEach((off) => off());
  }
}

/**
 * Calls `fn` with each live log line of the environment, on whichever backend session is current
 * (a new session after a reconnect included), until the returned function is called.
 */
export function liveLogLines(link: Pick<BackendLink, 'current' | 'onDidChange'>, envId: string, fn: (line: LogLine) => void): () => void {
  const topic = logsTopic(envId);
  let detach: (() => void) | undefined;
  const attach = (backend: LinkedBackend | undefined): void => {
    detach?.();
    detach = undefined;
    if (!backend) return;
    const offEvent = backend.events.on('event', (event) => {
      if (event.topic === topic && event.payload.kind === 'log') fn(event.payload);
    });
    const release = backend.topics.hold(topic);
    detach = () => {
      offEvent();
      release();
    };
  };
  const offLink = link.onDidChange(attach);
  attach(link.current);
  return () => {
    offLink();
    detach?.();
  };
}
