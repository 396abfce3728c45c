import type { ApiClient, StreamState } from '../../../backend/src/client/index.js';
import type { ServerEvent, Topic } from '../../../backend/src/protocol/index.js';
import type { Connection, Endpoint } from './connection.js';
import { TopicHolds } from './topics.js';

/** What features need of the HTTP client: `ApiClient` or a test double of it. */
export type Api = Pick<ApiClient, 'call'>;

/** What features need of the event stream: `EventStream` or a test double of it. */
export interface EventSource {
  on(name: 'event', fn: (event: ServerEvent) => void): () => void;
  on(name: 'reset', fn: () => void): () => void;
  on(name: 'state', fn: (state: StreamState) => void): () => void;
  subscribe(topics: Topic[]): void;
  unsubscribe(topics: Topic[]): void;
}

/** One connected backend session: its client, its event stream and the topics held on it. */
export interface LinkedBackend {
  endpoint: Endpoint;
  api: Api;
  events: EventSource;
  topics: TopicHolds;
}

/** The controller as the link sees it (the real one, or a test double). */
export interface LinkSource {
  readonly connection: Pick<Connection, 'state' | 'onDidChange'>;
  readonly client: Api | undefined;
  readonly events: EventSource | undefined;
}

type Listener = (backend: LinkedBackend | undefined) => void;

/**
 * Tells features when a backend session becomes usable (connected) and when it goes away. A
 * stream that only reconnects keeps its session (it resumes, or fires `reset`); a new session (a
 * reconnect, a changed setting, a restarted embedded backend) comes with a new client and stream.
 */
export class BackendLink {
  private linked: LinkedBackend | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly off: () => void;

  constructor(private readonly source: LinkSource) {
    this.off = source.connection.onDidChange(() => this.update());
    this.update();
  }

  get current(): LinkedBackend | undefined {
    return this.linked;
  }

  /** Returns the function that removes the listener. */
  onDidChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispose(): void {
    this.off();
    this.set(undefined);
    this.listeners.clear();
  }

  private update(): void {
    const state = this.source.connection.state;
    if (state.status === 'reconnecting') return;
    const { client, events } = this.source;
    if (state.status !== 'connected' || !client || !events) {
      this.set(undefined);
      return;
    }
    if (this.linked?.api === client && this.linked.events === events) return;
    this.set({ endpoint: state.endpoint, api: client, events, topics: new TopicHolds(events) });
  }

  private set(next: LinkedBackend | undefined): void {
    if (next === this.linked) return;
    this.linked?.topics.dispose();
    this.linked = next;
    this.listeners.forEach((fn) => fn(next));
  }
}
