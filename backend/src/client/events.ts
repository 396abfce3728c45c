import WebSocket from 'ws';
import { EVENTS_PATH, ServerMessage, type ClientMessage, type ServerEvent, type Topic } from '../protocol/index.js';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  url: string;
  token: string;
  ca?: string;
  topics: Topic[];
  /** Resume after this event (e.g. one persisted by a previous process). */
  lastEventId?: string;
  /** Upper bound of the reconnect back-off. */
  maxBackoffMs?: number;
}

interface Listeners {
  event: (e: ServerEvent) => void;
  state: (s: StreamState) => void;
  /** The server could not replay everything since `lastEventId`: the client must refetch its state. */
  reset: () => void;
}

/**
 * A resilient subscription to `/api/v1/events`: reconnects with back-off, resumes from the last
 * event it delivered (so nothing is missed or repeated within the server's buffer) and treats a
 * silent socket (no heartbeat) as dead.
 */
export class EventStream {
  private socket: WebSocket | undefined;
  private readonly topics: Set<Topic>;
  private lastEventId: string | undefined;
  private attempt = 0;
  private state: StreamState = 'closed';
  private closedByUser = false;
  private watchdog: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = { event: new Set(), state: new Set(), reset: new Set() };

  constructor(private readonly options: EventStreamOptions) {
    this.topics = new Set(options.topics);
    this.lastEventId = options.lastEventId;
  }

  on<K extends keyof Listeners>(name: K, fn: Listeners[K]): () => void {
    this.listeners[name].add(fn);
    return () => this.listeners[name].delete(fn);
  }

  get currentState(): StreamState {
    return this.state;
  }

  get lastId(): string | undefined {
    return this.lastEventId;
  }

  start(): void {
    this.closedByUser = false;
    this.connect();
  }

  subscribe(topics: Topic[]): void {
    topics.forEach((t) => this.topics.add(t));
    this.send({ type: 'subscribe', topics });
  }

  unsubscribe(topics: Topic[]): void {
    topics.forEach((t) => this.topics.delete(t));
    this.send({ type: 'unsubscribe', topics });
  }

  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    this.socket?.close(1000);
    this.socket = undefined;
    this.setState('closed');
  }

  private connect(): void {
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = new URL(EVENTS_PATH, this.options.url.replace(/^http/, 'ws'));
    if (this.topics.size) url.searchParams.set('topics', [...this.topics].join(','));
    if (this.lastEventId) url.searchParams.set('lastEventId', this.lastEventId);
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.options.token}` }, ca: this.options.ca });
    this.socket = socket;
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('error', () => undefined); // 'close' follows and schedules the retry
    socket.on('close', () => this.onClose(socket));
  }

  private onMessage(raw: string): void {
    let message: ServerMessage;
    try {
      message = ServerMessage.parse(JSON.parse(raw));
    } catch {
      return; // a frame we do not understand is dropped, never half-applied
    }
    switch (message.type) {
      case 'hello':
        this.attempt = 0;
        this.armWatchdog(message.heartbeatMs);
        this.setState('open');
        if (message.resumed === 'reset') this.listeners.reset.forEach((fn) => fn());
        return;
      case 'event':
        this.lastEventId = message.event.id;
        this.listeners.event.forEach((fn) => fn(message.event));
        break;
      default:
        break;
    }
    this.armWatchdog();
  }

  private heartbeatMs = 15_000;

  private armWatchdog(heartbeatMs?: number): void {
    if (heartbeatMs) this.heartbeatMs = heartbeatMs;
    clearTimeout(this.watchdog);
    // Two missed heartbeats mean the peer or the network is gone even if TCP has not noticed.
    this.watchdog = setTimeout(() => this.socket?.terminate(), this.heartbeatMs * 2 + 1000);
  }

  private onClose(socket: WebSocket): void {
    if (socket !== this.socket) return;
    clearTimeout(this.watchdog);
    if (this.closedByUser) return;
    this.attempt += 1;
    this.setState('reconnecting');
    const backoff = Math.min(this.options.maxBackoffMs ?? 10_000, 250 * 2 ** Math.min(this.attempt, 6));
    this.retryTimer = setTimeout(() => this.connect(), backoff);
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private setState(state: StreamState): void {
    if (state === this.state) return;
    this.state = state;
    this.listeners.state.forEach((fn) => fn(state));
  }
}
