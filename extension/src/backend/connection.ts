import type { Driver, Role } from '../../../backend/src/protocol/index.js';

export type Mode = 'embedded' | 'remote';

/** Where the backend is. `dataDir`, `pid` and `attached` are known only for the embedded one. */
export interface Endpoint {
  mode: Mode;
  url: string;
  dataDir?: string;
  pid?: number;
  /** True when another window started the embedded backend and this one only uses it (and does not stop it). */
  attached?: boolean;
}

/** What the server said about itself and the token's owner (`GET /api/v1/me`). */
export interface ServerDetails {
  user: string;
  role: Role;
  version: string;
  driver: Driver;
  tls: boolean;
}

/** What the user can do about a failure; the UI offers it as the first button. */
export type Remedy = 'restart' | 'reconnect' | 'setToken' | 'configure';

export type ConnectionState =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'connecting'; endpoint: Endpoint; server?: ServerDetails }
  | { status: 'connected'; endpoint: Endpoint; server: ServerDetails }
  | { status: 'reconnecting'; endpoint: Endpoint; server: ServerDetails }
  | { status: 'down'; reason: string; remedy: Remedy; endpoint?: Endpoint; server?: ServerDetails };

export type ConnectionStatus = ConnectionState['status'];

export type ConnectionEvent =
  /** The embedded backend is being spawned. */
  | { type: 'starting' }
  /** The backend's address is known (embedded: it listens; remote: from the settings). */
  | { type: 'dialing'; endpoint: Endpoint }
  /** `me` answered. */
  | { type: 'identified'; server: ServerDetails }
  | { type: 'streamOpen' }
  | { type: 'streamLost' }
  | { type: 'failed'; reason: string; remedy: Remedy }
  | { type: 'stopped' };

/**
 * The connection's state machine, pure: an event that does not apply to the current state leaves it
 * unchanged (the same object). A failure applies everywhere, even before anything started (a bad setting).
 */
export function transition(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'starting':
      return { status: 'starting' };
    case 'dialing':
      return { status: 'connecting', endpoint: event.endpoint };
    case 'stopped':
      return state.status === 'idle' ? state : { status: 'idle' };
    case 'failed': {
      const { endpoint, server } = 'endpoint' in state ? state : { endpoint: undefined, server: undefined };
      return { status: 'down', reason: event.reason, remedy: event.remedy, endpoint, server };
    }
    case 'identified':
      return state.status === 'connecting' || state.status === 'connected' || state.status === 'reconnecting' ? { ...state, server: event.server } : state;
    case 'streamOpen': {
      const known = identifiedIn(state, ['connecting', 'reconnecting']);
      return known ? { status: 'connected', ...known } : state;
    }
    case 'streamLost': {
      // Before `me` answered there is nothing to show as "reconnecting"; the session reports the failure instead.
      const known = identifiedIn(state, ['connecting', 'connected']);
      return known ? { status: 'reconnecting', ...known } : state;
    }
  }
}

/** The endpoint and server of a state in `statuses` whose server has answered `me`. */
function identifiedIn(state: ConnectionState, statuses: ConnectionStatus[]): { endpoint: Endpoint; server: ServerDetails } | undefined {
  if (!statuses.includes(state.status) || !('server' in state) || !state.server || !state.endpoint) return undefined;
  return { endpoint: state.endpoint, server: state.server };
}

type Listener = (state: ConnectionState) => void;

/** Holds the current state and tells listeners about each change. */
export class Connection {
  private current: ConnectionState = { status: 'idle' };
  private readonly listeners = new Set<Listener>();

  get state(): ConnectionState {
    return this.current;
  }

  dispatch(event: ConnectionEvent): void {
    const next = transition(this.current, event);
    if (next === this.current) return;
    this.current = next;
    this.listeners.forEach((fn) => fn(next));
  }

  /** Returns the function that removes the listener. */
  onDidChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves with the first state (the current one included) that `accept` accepts. */
  when(accept: (state: ConnectionState) => boolean): Promise<ConnectionState> {
    if (accept(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const off = this.onDidChange((state) => {
        if (!accept(state)) return;
        off();
        resolve(state);
      });
    });
  }
}
